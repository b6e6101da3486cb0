package io.kairos.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {

  static final String SECRET = WebhookSignatureTest.SECRET;

  @Test
  void defaults() {
    WebhookSettings s = WebhookSettings.defaults(SECRET);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.maxResponseBytes()).isEqualTo(65536);
    assertThat(s.allowList()).isEmpty();
    assertThat(s.toString()).doesNotContain(SECRET.substring(6));
  }

  @Test
  void theSecretMustBeAStandardWebhooksSecret() {
    assertThatThrownBy(() -> WebhookSettings.defaults(null))
        .hasMessage("webhook.signingSecret is required");
    assertThatThrownBy(() -> WebhookSettings.defaults("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .hasMessage(
            "webhook.signingSecret must start with whsec_ (the Standard Webhooks secret format)");
    assertThatThrownBy(() -> WebhookSettings.defaults("whsec_%%%"))
        .hasMessage("webhook.signingSecret is not base64 after whsec_");
    assertThatThrownBy(() -> WebhookSettings.defaults("whsec_c2hvcnQ="))
        .hasMessage("webhook.signingSecret must hold 24 to 64 bytes after whsec_, got 5");
  }

  @Test
  void limitsAreChecked() {
    WebhookSettings s = WebhookSettings.defaults(SECRET);
    assertThatThrownBy(() -> s.withConnectTimeout(Duration.ZERO))
        .hasMessage("webhook.connectTimeout must be positive, got PT0S");
    assertThatThrownBy(() -> s.withRequestTimeout(Duration.ofSeconds(-1)))
        .hasMessage("webhook.requestTimeout must be positive, got PT-1S");
    assertThatThrownBy(() -> s.withMaxResponseBytes(-1))
        .hasMessage("webhook.maxResponseBytes must be between 0 and 16777216, got -1");
    assertThatThrownBy(() -> s.withClock(null)).hasMessage("webhook.clock is required");
  }

  @Test
  void allowListEntriesAreHostsAddressesOrBlocks() {
    WebhookSettings s = WebhookSettings.defaults(SECRET);
    assertThat(
            s.withAllowList(
                    List.of("hooks.internal.example", "10.1.0.0/16", "127.0.0.1", "fd00::/8"))
                .allowList())
        .hasSize(4);
    assertThatThrownBy(() -> s.withAllowList(List.of("10.0.0.0/8", "10.0.0.0/33")))
        .hasMessage("webhook.allowList[1] '10.0.0.0/33' has a prefix length outside 0..32");
    assertThatThrownBy(() -> s.withAllowList(List.of("300.1.1.1")))
        .hasMessage("webhook.allowList[0] '300.1.1.1' is not a valid IP address");
    assertThatThrownBy(() -> s.withAllowList(List.of("http://x")))
        .hasMessage("webhook.allowList[0] 'http://x' is not a valid IP address");
    assertThatThrownBy(() -> s.withAllowList(List.of("bad host!")))
        .hasMessage(
            "webhook.allowList[0] 'bad host!' is neither a host name, an IP address nor a CIDR"
                + " block");
  }
}
