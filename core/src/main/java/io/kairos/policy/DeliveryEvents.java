package io.kairos.policy;

import io.kairos.event.Event;
import io.kairos.event.EventType;
import java.util.Set;

/**
 * The events a dispatcher reports about a message's life ({@code Message Sent}, {@code Message
 * Bounced}, ...). Journeys trigger on them and wait for them like any event, but they are
 * bookkeeping, not something the customer did: they leave first and last seen alone and do not
 * interrupt an inactivity period. Opens, clicks and unsubscribes are the customer's own acts.
 */
public final class DeliveryEvents {

  public static final String SENT = "Message Sent";
  public static final String DELIVERED = "Message Delivered";
  public static final String DEFERRED = "Message Deferred";
  public static final String SKIPPED = "Message Skipped";
  public static final String FAILED = "Message Failed";
  public static final String BOUNCED = "Message Bounced";

  private static final Set<String> NAMES =
      Set.of(SENT, DELIVERED, DEFERRED, SKIPPED, FAILED, BOUNCED);

  private DeliveryEvents() {}

  /** Whether {@code e} is a dispatcher's report rather than the customer's activity. */
  public static boolean isReport(Event e) {
    return e.type() == EventType.TRACK && NAMES.contains(e.name());
  }
}
