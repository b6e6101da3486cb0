package io.kairos.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.profile.Profile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadAddressesTest {
  private static final Map<String, Object> SUBSCRIPTION =
      Map.of(
          "endpoint",
          "https://push.example/old",
          "keys",
          Map.of("p256dh", "BN...", "auth", "tB..."));

  private static Event failed(String channel, String address, boolean gone) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("channel", channel);
    p.put("address", address);
    p.put("address_gone", gone);
    p.put("message_id", "m1");
    return new Event(
        EventType.TRACK,
        "m1/failed/1",
        "ana",
        null,
        1_000L,
        DeliveryEvents.FAILED,
        JsonObject.of(p),
        JsonObject.EMPTY,
        EventContext.EMPTY,
        null,
        null);
  }

  private static Profile profile() {
    Profile p = new Profile("ana");
    p.setTrait("web_push", SUBSCRIPTION);
    p.setTrait("push_token", "tok-1");
    p.setTrait("phone", "+4915100000001");
    return p;
  }

  @Test
  void aGoneSubscriptionIsRemovedWhenItIsStillTheProfiles() {
    Profile p = profile();
    assertThat(DeadAddresses.remove(failed("push", "https://push.example/old", true), p, null))
        .isEqualTo("web_push");
    assertThat(p.trait("web_push")).isNull();
    assertThat(p.trait("push_token")).isEqualTo("tok-1");
  }

  @Test
  void aGoneTokenIsRemovedFromTheConfiguredTrait() {
    Profile p = profile();
    p.setTrait("fcm", "tok-2");
    assertThat(DeadAddresses.remove(failed("push", "tok-1", true), p, null))
        .isEqualTo("push_token");
    assertThat(p.trait("push_token")).isNull();
    assertThat(DeadAddresses.remove(failed("push", "tok-2", true), p, "fcm")).isEqualTo("fcm");
    assertThat(p.trait("fcm")).isNull();
    assertThat(p.trait("web_push")).isEqualTo(SUBSCRIPTION);
  }

  @Test
  void aNewerAddressSurvivesAReportAboutTheOldOne() {
    Profile p = profile();
    p.setTrait(
        "web_push",
        Map.of("endpoint", "https://push.example/new", "keys", Map.of("p256dh", "x", "auth", "y")));
    p.setTrait("push_token", "tok-new");
    assertThat(DeadAddresses.remove(failed("push", "https://push.example/old", true), p, null))
        .isNull();
    assertThat(DeadAddresses.remove(failed("push", "tok-1", true), p, null)).isNull();
    assertThat(p.trait("push_token")).isEqualTo("tok-new");
    assertThat(p.trait("web_push")).isNotNull();
  }

  @Test
  void onlyGonePushAddressesAreConcerned() {
    Profile p = profile();
    // A failure that is not "gone", an SMS opt-out (consent, not a dead number), a webhook 410.
    assertThat(DeadAddresses.remove(failed("push", "tok-1", false), p, null)).isNull();
    assertThat(DeadAddresses.remove(failed("sms", "+4915100000001", true), p, null)).isNull();
    assertThat(DeadAddresses.concerns(failed("webhook", "https://hooks.example", true))).isFalse();
    assertThat(p.traits()).containsKeys("web_push", "push_token", "phone");
  }
}
