package io.kairos.policy;

import io.kairos.event.Event;
import io.kairos.event.EventType;
import java.util.Set;

/**
 * The events a dispatcher reports about a message's life ({@code Message Sent}, {@code Message
 * Bounced}, ...). Journeys trigger on them and wait for them like any event, but they are
 * bookkeeping, not something the customer did: they leave first and last seen alone and do not
 * interrupt an inactivity period. Opens, clicks and unsubscribes are the customer's own acts,
 * except an open or a click a machine made ({@code machine: true}: a privacy proxy's prefetch, a
 * security scanner), which is recorded but is not the customer either.
 */
public final class DeliveryEvents {

  public static final String SENT = "Message Sent";
  public static final String DELIVERED = "Message Delivered";
  public static final String DEFERRED = "Message Deferred";
  public static final String SKIPPED = "Message Skipped";
  public static final String FAILED = "Message Failed";
  public static final String BOUNCED = "Message Bounced";

  /** The open pixel was fetched (docs/engagement.md). */
  public static final String EMAIL_OPENED = "Email Opened";

  /** A click redirect was followed. */
  public static final String LINK_CLICKED = "Email Link Clicked";

  private static final Set<String> NAMES =
      Set.of(SENT, DELIVERED, DEFERRED, SKIPPED, FAILED, BOUNCED);

  private DeliveryEvents() {}

  /** Whether {@code e} is a dispatcher's report rather than the customer's activity. */
  public static boolean isReport(Event e) {
    return e.type() == EventType.TRACK && NAMES.contains(e.name());
  }

  /**
   * Whether {@code e} is something the customer did: not a report, and not an open or click that a
   * machine made.
   */
  public static boolean isCustomerActivity(Event e) {
    if (e.type() != EventType.TRACK) {
      return true;
    }
    if (NAMES.contains(e.name())) {
      return false;
    }
    if (EMAIL_OPENED.equals(e.name()) || LINK_CLICKED.equals(e.name())) {
      return !Boolean.TRUE.equals(e.properties().get("machine"));
    }
    return true;
  }
}
