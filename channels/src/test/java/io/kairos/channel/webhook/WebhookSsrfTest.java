package io.kairos.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.LoopbackServer;
import io.kairos.channel.http.LoopbackServer.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Webhook URLs that point inside the network are refused before any connection is made. */
class WebhookSsrfTest {

  static Delivery to(String url) {
    return new Delivery("msg_1", "w", "p", 1, new Content.Webhook(url, "POST", Map.of(), "{}"));
  }

  static WebhookChannel guarded(List<String> allowList) {
    return new WebhookChannel(
        WebhookSettings.defaults(WebhookSignatureTest.SECRET).withAllowList(allowList));
  }

  @Test
  void loopbackIsRefusedUnlessAllowListed() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(r -> Reply.of(200))) {
      try (WebhookChannel channel = guarded(List.of())) {
        assertThat(channel.send(to(server.url("/h"))))
            .isEqualTo(
                new Outcome.Failed(
                    "webhook url refused: 127.0.0.1, which is a loopback address; add it to the"
                        + " allow-list if this is intended"));
        Outcome byName = channel.send(to("http://localhost:" + server.port() + "/h"));
        assertThat(byName).isInstanceOf(Outcome.Failed.class);
        assertThat(byName.detail()).contains("localhost resolves to", "a loopback address");
      }
      assertThat(server.requests()).isEmpty();

      try (WebhookChannel byAddress = guarded(List.of("127.0.0.1"));
          WebhookChannel byName = guarded(List.of("LOCALHOST"))) {
        assertThat(byAddress.send(to(server.url("/h")))).isInstanceOf(Outcome.Sent.class);
        assertThat(byName.send(to("http://localhost:" + server.port() + "/h")))
            .isInstanceOf(Outcome.Sent.class);
      }
      assertThat(server.requests()).hasSize(2);
    }
  }

  @Test
  void internalAddressesAreRefusedWithTheReason() {
    try (WebhookChannel channel = guarded(List.of("10.9.0.0/16"))) {
      assertThat(channel.send(to("http://169.254.169.254/latest/meta-data/")).detail())
          .isEqualTo(
              "webhook url refused: 169.254.169.254, which is the cloud metadata service"
                  + " (link-local); add it to the allow-list if this is intended");
      assertThat(channel.send(to("http://10.0.0.1:8080/")).detail())
          .contains("10.0.0.1, which is a private address (10/8)");
      assertThat(channel.send(to("https://[::1]/")).detail())
          .contains("0:0:0:0:0:0:0:1, which is a loopback address");
      assertThat(channel.send(to("http://[::ffff:127.0.0.1]/")).detail())
          .contains("[::ffff:127.0.0.1] resolves to 127.0.0.1, which is a loopback address");
      assertThat(channel.send(to("http://[fd12::1]/")).detail())
          .contains("a unique-local (private) address");
      assertThat(channel.send(to("http://100.100.1.1/")).detail())
          .contains("a carrier-grade NAT address");
      assertThat(channel.send(to("http://0.0.0.0/")).detail()).contains("unspecified");
      assertThat(channel.send(to("http://[64:ff9b::a9fe:a9fe]/")).detail())
          .contains("the NAT64 form of 169.254.169.254, the cloud metadata service");
    }
  }

  @Test
  void anUnresolvableHostIsRetried() {
    try (WebhookChannel channel = guarded(List.of())) {
      Outcome o = channel.send(to("http://no-such-host.invalid/"));
      assertThat(o).isEqualTo(new Outcome.Retry("cannot resolve host no-such-host.invalid", null));
    }
  }
}
