package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.journey.Category;
import io.kairos.time.Timestamps;
import java.util.Map;

/**
 * Something the engine decided, with the reason a marketer can read. Runtimes act on some of them
 * (a {@link Send} becomes an outbox row, an {@link Emitted} event is fed back in) and record all of
 * them in the decision trace.
 */
public sealed interface Effect {

  /** The journey id. */
  String journey();

  /** The profile id. */
  String profile();

  /** When, in epoch milliseconds on the engine's clock. */
  long time();

  /** The step id, or {@code trigger}, {@code exit_on}, {@code conversion}. */
  String step();

  /** What happened, in a few words: {@code enter}, {@code send email welcome}, {@code exit ...}. */
  String summary();

  /** Why, in a sentence. */
  String reason();

  /** A profile entered the journey. */
  record Entered(
      String journey, String version, String profile, long time, int instance, String reason)
      implements Effect {
    public String step() {
      return "trigger";
    }

    public String summary() {
      return "enter";
    }
  }

  /** A trigger matched but the entry policy said no. */
  record EntryRefused(String journey, String profile, long time, String reason) implements Effect {
    public String step() {
      return "trigger";
    }

    public String summary() {
      return "entry refused";
    }
  }

  /** An instance is paused until {@code until} (a wait, or the timeout of a wait_for). */
  record Waiting(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      long until,
      String reason)
      implements Effect {
    public String summary() {
      return "wait until " + Timestamps.formatSeconds(until);
    }
  }

  /** A wait_for ended: its event arrived, or its time ran out. */
  record Resumed(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      boolean timedOut,
      String reason)
      implements Effect {
    public String summary() {
      return timedOut ? "timed out" : "event arrived";
    }
  }

  /** A branch chose its path. */
  record BranchTaken(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String target,
      String reason)
      implements Effect {
    public String summary() {
      return "branch to " + target;
    }
  }

  /** A split put the profile in an arm, or in the holdout group. */
  record SplitAssigned(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String arm,
      boolean holdout,
      String reason)
      implements Effect {
    public String summary() {
      return holdout ? "split holdout" : "split arm " + arm;
    }
  }

  /**
   * A message to send.
   *
   * <p>Its {@link #messageId()} is deterministic: the same journey version, profile, instance and
   * step always give the same id, so a retry meets the same idempotency key.
   */
  record Send(
      String journey,
      String version,
      String profile,
      long time,
      String step,
      int instance,
      String channel,
      String template,
      Category category,
      String topic,
      String reason)
      implements Effect {
    public String summary() {
      return "send " + channel + " " + template;
    }

    /** A name-based UUID of (journey, version, profile, instance, step); computed on demand. */
    public String messageId() {
      return Ids.uuid(journey, version, profile, Integer.toString(instance), step);
    }
  }

  /** Traits or tags changed. Values in {@code changes} are the new values (null = removed). */
  record ProfileUpdated(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      Map<String, Object> changes,
      String reason)
      implements Effect {
    public String summary() {
      return "update " + String.join(" ", changes.keySet());
    }
  }

  /** An event the journey emitted for the same profile; it is processed right after. */
  record Emitted(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      Event event,
      String reason)
      implements Effect {
    public String summary() {
      return "emit " + event.name();
    }
  }

  /** A webhook call to make; {@code id} is deterministic like a message id. */
  record WebhookCall(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String id,
      String url,
      String method,
      Map<String, Object> body,
      String reason)
      implements Effect {
    public String summary() {
      return "webhook " + method + " " + url;
    }
  }

  /**
   * The journey's conversion event happened within its window.
   *
   * @param value the revenue, or null
   * @param holdout whether the profile was in the holdout group (for lift)
   */
  record Converted(
      String journey,
      String profile,
      long time,
      int instance,
      Double value,
      boolean holdout,
      String reason)
      implements Effect {
    public String step() {
      return "conversion";
    }

    public String summary() {
      return value == null ? "convert" : "convert " + value;
    }
  }

  /** An instance ended before its last step. {@code cause} is one word: exit_on, restarted, ... */
  record Exited(
      String journey,
      String profile,
      long time,
      String step,
      int instance,
      String cause,
      String reason)
      implements Effect {
    public String summary() {
      return "exit " + cause;
    }
  }

  /** An instance ran past its last step. */
  record Completed(String journey, String profile, long time, String step, int instance)
      implements Effect {
    public String summary() {
      return "complete";
    }

    public String reason() {
      return "reached the end of the journey";
    }
  }

  /**
   * The profile entered a segment: its condition became true. {@code journey()} is {@code
   * segment/<id>}.
   */
  record SegmentEntered(String segment, String profile, long time, String reason)
      implements Effect {
    public String journey() {
      return "segment/" + segment;
    }

    public String step() {
      return "where";
    }

    public String summary() {
      return "enter segment";
    }
  }

  /** The profile left a segment: its condition became false. */
  record SegmentExited(String segment, String profile, long time, String reason) implements Effect {
    public String journey() {
      return "segment/" + segment;
    }

    public String step() {
      return "where";
    }

    public String summary() {
      return "exit segment";
    }
  }
}
