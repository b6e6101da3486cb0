package io.kairos.policy;

import io.kairos.event.Event;
import io.kairos.event.EventType;
import io.kairos.profile.Profile;
import java.util.List;
import java.util.Map;

/**
 * How a profile's consent and suppressions change: from well-known events (the names of Segment's
 * email spec) and from Braze-style subscription traits on {@code identify}.
 *
 * <ul>
 *   <li>{@code Unsubscribed} / {@code Subscribed}, properties {@code channel} and {@code topic}
 *       (each optional; missing = any): the profile's word for that scope;
 *   <li>{@code Email Bounced} with {@code type: hard} (the default) or {@code soft}: a hard bounce
 *       suppresses the address in {@code properties.email}, else the profile's current email;
 *   <li>{@code Message Bounced} (the dispatcher's report), properties {@code channel}, {@code
 *       address} and {@code type} ({@code hard}, the default, or {@code soft}): a hard bounce
 *       suppresses that address on that channel;
 *   <li>{@code Email Marked as Spam}: a complaint, which unsubscribes from all marketing email;
 *   <li>identify traits {@code email_subscribe}, {@code sms_subscribe}, {@code push_subscribe} with
 *       {@code opted_in} (explicit opt-in), {@code subscribed} (back to the default) or {@code
 *       unsubscribed}.
 * </ul>
 */
public final class ConsentEvents {

  /** The event names that change consent; anything else is ignored quickly. */
  public static final List<String> NAMES =
      List.of(
          "Unsubscribed",
          "Subscribed",
          "Email Bounced",
          "Email Marked as Spam",
          DeliveryEvents.BOUNCED);

  private static final Map<String, String> SUBSCRIBE_TRAITS =
      Map.of("email_subscribe", "email", "sms_subscribe", "sms", "push_subscribe", "push");

  private ConsentEvents() {}

  /** Whether the event may change consent; cheap, for the hot path. */
  public static boolean concerns(Event e) {
    if (e.type() != EventType.IDENTIFY) {
      return NAMES.contains(e.name());
    }
    if (e.traits().isEmpty()) {
      return false;
    }
    for (String key : SUBSCRIBE_TRAITS.keySet()) {
      if (e.traits().get(key) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Applies the event to {@code consent} (allocated by the caller when {@link #concerns} says so).
   * {@code profile} supplies the current email for a bounce without one.
   */
  public static void apply(Event e, Profile profile, Consent consent) {
    long t = e.timestamp();
    if (e.type() == EventType.IDENTIFY) {
      for (Map.Entry<String, String> s : SUBSCRIBE_TRAITS.entrySet()) {
        Object v = e.traits().get(s.getKey());
        if (v == null) {
          continue;
        }
        String source = "identify " + s.getKey() + ": " + v;
        switch (v.toString()) {
          case "opted_in" -> consent.set(s.getValue(), null, true, t, source);
          case "unsubscribed" -> consent.set(s.getValue(), null, false, t, source);
          case "subscribed" -> consent.clear(s.getValue(), null);
          default -> {}
        }
      }
      return;
    }
    switch (e.name()) {
      case "Unsubscribed", "Subscribed" -> {
        String channel = text(e.properties().get("channel"));
        String topic = text(e.properties().get("topic"));
        consent.set(
            channel, topic, e.name().equals("Subscribed"), t, scopeName(e.name(), channel, topic));
      }
      case "Email Bounced" -> {
        if (!"soft".equals(text(e.properties().get("type")))) {
          String address = text(e.properties().get("email"));
          if (address == null) {
            address = text(profile.trait("email"));
          }
          consent.bounce("email", address, t, "Email Bounced (hard)");
        }
      }
      case DeliveryEvents.BOUNCED -> {
        String channel = text(e.properties().get("channel"));
        if (channel != null && !"soft".equals(text(e.properties().get("type")))) {
          String address = text(e.properties().get("address"));
          if (address == null && MessagePolicy.DEFAULT_ADDRESSES.containsKey(channel)) {
            address = text(profile.trait(MessagePolicy.DEFAULT_ADDRESSES.get(channel)));
          }
          consent.bounce(channel, address, t, "Message Bounced (" + channel + ", hard)");
        }
      }
      case "Email Marked as Spam" -> consent.set("email", null, false, t, "Email Marked as Spam");
      default -> {}
    }
  }

  private static String scopeName(String name, String channel, String topic) {
    if (channel == null && topic == null) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append(" {");
    if (channel != null) {
      b.append("channel: ").append(channel);
    }
    if (topic != null) {
      b.append(channel != null ? ", " : "").append("topic: ").append(topic);
    }
    return b.append('}').toString();
  }

  private static String text(Object v) {
    return v instanceof String s && !s.isBlank() ? s : null;
  }
}
