package io.kairos.policy;

import io.kairos.event.Event;
import io.kairos.event.EventType;
import io.kairos.profile.Profile;
import java.util.Map;

/**
 * Push addresses a provider said are gone ({@code Message Failed} with {@code address_gone: true}
 * on channel {@code push}: Web Push 404/410, FCM {@code UNREGISTERED}) are taken off the profile,
 * so the next push is skipped for want of a target instead of failing again.
 *
 * <p>Only the value that failed is removed: the {@code web_push} subscription whose {@code
 * endpoint} is the reported address, or the token trait whose value is. A browser that subscribed
 * again, or an app that registered a new token, before the report was applied keeps its new
 * address.
 */
public final class DeadAddresses {

  /** The trait holding a browser's Web Push subscription ({@code PushSubscription.toJSON()}). */
  public static final String WEB_PUSH = "web_push";

  private DeadAddresses() {}

  /** Whether {@code e} reports a push address as gone; cheap, for the hot path. */
  public static boolean concerns(Event e) {
    return e.type() == EventType.TRACK
        && DeliveryEvents.FAILED.equals(e.name())
        && Boolean.TRUE.equals(e.properties().get("address_gone"))
        && "push".equals(e.properties().get("channel"));
  }

  /**
   * Removes the push target the report names, if the profile still holds it.
   *
   * @param tokenTrait the trait holding the FCM token (the workspace's push {@code address:}, or
   *     null for {@code push_token})
   * @return the trait removed, or null when the profile no longer holds that address
   */
  public static String remove(Event e, Profile profile, String tokenTrait) {
    if (!concerns(e) || !(e.properties().get("address") instanceof String address)) {
      return null;
    }
    if (address.isBlank()) {
      return null;
    }
    if (profile.trait(WEB_PUSH) instanceof Map<?, ?> sub && address.equals(sub.get("endpoint"))) {
      profile.setTrait(WEB_PUSH, null);
      return WEB_PUSH;
    }
    String trait = tokenTrait != null ? tokenTrait : MessagePolicy.DEFAULT_ADDRESSES.get("push");
    if (address.equals(profile.trait(trait))) {
      profile.setTrait(trait, null);
      return trait;
    }
    return null;
  }
}
