package io.kairos.channel.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VapidKeysTest {
  /** A real pair: the application server's keys from RFC 8291's example. */
  private static final String PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";

  private static final String PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";

  @Test
  void aPairReadsBackAsTheSameText() {
    VapidKeys keys = VapidKeys.fromBase64Url(PUBLIC, PRIVATE);

    assertThat(keys.publicKey()).isEqualTo(PUBLIC);
    assertThat(keys.privateKey()).isEqualTo(PRIVATE);
    assertThat(keys.toString()).contains(PUBLIC).doesNotContain(PRIVATE);
  }

  @Test
  void aGeneratedPairLoadsAgainFromItsText() {
    VapidKeys generated = VapidKeys.generate();

    VapidKeys loaded = VapidKeys.fromBase64Url(generated.publicKey(), generated.privateKey());

    assertThat(Browser.unb64(generated.publicKey())).hasSize(65).startsWith((byte) 4);
    assertThat(Browser.unb64(generated.privateKey())).hasSize(32);
    assertThat(loaded.publicKey()).isEqualTo(generated.publicKey());
    assertThat(loaded.privateKey()).isEqualTo(generated.privateKey());
  }

  @Test
  void badKeysAreRefusedNamingTheField() {
    assertThatThrownBy(() -> VapidKeys.fromBase64Url(null, PRIVATE))
        .hasMessage("VAPID publicKey is missing");
    assertThatThrownBy(() -> VapidKeys.fromBase64Url(PUBLIC, " "))
        .hasMessage("VAPID privateKey is missing");
    assertThatThrownBy(() -> VapidKeys.fromBase64Url("not*base64", PRIVATE))
        .hasMessageStartingWith("VAPID publicKey is not base64url");
    assertThatThrownBy(() -> VapidKeys.fromBase64Url(PUBLIC.substring(0, 44), PRIVATE))
        .hasMessageStartingWith("VAPID publicKey must be a 65-byte uncompressed P-256 point");
    assertThatThrownBy(() -> VapidKeys.fromBase64Url(PUBLIC, PRIVATE + "AAAA"))
        .hasMessageStartingWith("VAPID privateKey must be a 32-byte P-256 private scalar");
    byte[] offCurve = Browser.unb64(PUBLIC);
    offCurve[64] ^= 1;
    assertThatThrownBy(() -> VapidKeys.fromBase64Url(Browser.b64(offCurve), PRIVATE))
        .hasMessage("VAPID publicKey is not a point on the P-256 curve");
    assertThatThrownBy(() -> VapidKeys.fromBase64Url(VapidKeys.generate().publicKey(), PRIVATE))
        .hasMessageContaining("publicKey does not belong to privateKey");
  }

  @Test
  void settingsTakeDefaultsAndRefuseBadValuesNamingTheField() {
    VapidKeys keys = VapidKeys.fromBase64Url(PUBLIC, PRIVATE);

    WebPushSettings defaults = WebPushSettings.of(keys, "https://shop.example/contact");

    assertThat(defaults.ttl()).isEqualTo(Duration.ofDays(28));
    assertThat(defaults.urgency()).isEqualTo(WebPushSettings.Urgency.NORMAL);
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(defaults.allowPlainHttp()).isFalse();
    assertThatThrownBy(() -> WebPushSettings.of(keys, "ops@shop.example"))
        .hasMessageContaining("WebPushSettings.subject must be a mailto: address or an https: URL");
    assertThatThrownBy(() -> WebPushSettings.of(null, "mailto:ops@shop.example"))
        .hasMessageContaining("WebPushSettings.vapidKeys is required");
    assertThatThrownBy(
            () ->
                new WebPushSettings(
                    keys, "mailto:a@b.example", Duration.ofDays(29), null, null, null, false))
        .hasMessageContaining("WebPushSettings.ttl must be between 0 and 28 days");
    assertThatThrownBy(() -> defaults.withTimeouts(Duration.ZERO, null))
        .hasMessageContaining("WebPushSettings.connectTimeout must be positive");
  }

  @Test
  void theTokenAudienceIsTheEndpointsOrigin() {
    assertThat(Vapid.origin(java.net.URI.create("https://fcm.googleapis.com/fcm/send/x")))
        .isEqualTo("https://fcm.googleapis.com");
    assertThat(Vapid.origin(java.net.URI.create("https://Push.Example:443/a")))
        .isEqualTo("https://push.example");
    assertThat(Vapid.origin(java.net.URI.create("https://push.example:8443/a")))
        .isEqualTo("https://push.example:8443");
  }
}
