package io.kairos.engine;

import io.kairos.policy.Message;
import java.util.Map;

/**
 * A message the policies deferred: what the send step decided, kept in the profile's state until it
 * is due and decided again. It belongs to the profile, not to the instance: the journey goes on
 * once the step has run, and leaving the journey does not recall it ({@code expire_after} bounds
 * how late it may go).
 */
public final class PendingMessage {
  final String journey;
  final String version;
  final String step;
  final int instance;
  final String template;
  final Map<String, Object> data;
  final Message message;
  final long firstDeferredAt;
  final Map<String, Object> event;
  long due;

  PendingMessage(
      String journey,
      String version,
      String step,
      int instance,
      String template,
      Map<String, Object> data,
      Message message,
      long firstDeferredAt,
      long due,
      Map<String, Object> event) {
    this.journey = journey;
    this.version = version;
    this.step = step;
    this.instance = instance;
    this.template = template;
    this.data = data;
    this.message = message;
    this.firstDeferredAt = firstDeferredAt;
    this.due = due;
    this.event = event;
  }

  public Message message() {
    return message;
  }

  public String journey() {
    return journey;
  }

  public String step() {
    return step;
  }

  /** The journey version of the instance that decided it. */
  public String version() {
    return version;
  }

  /** The instance (of the profile) that decided it. */
  public int instance() {
    return instance;
  }

  public String template() {
    return template;
  }

  /** When it was first held back, epoch millis. */
  public long firstDeferredAt() {
    return firstDeferredAt;
  }

  /**
   * The event the send step ran on ({@code name}, {@code properties}, {@code timestamp}), for the
   * template; null when there was none.
   */
  public Map<String, Object> event() {
    return event;
  }

  /** When it is next decided. */
  public long due() {
    return due;
  }
}
