package io.kairos.channel.sms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.LoopbackServer;
import io.kairos.channel.http.LoopbackServer.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpGatewaySmsChannelTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Delivery sms(String from, String to) {
    return new Delivery("msg_9", "shop", "p-1", 2, new Content.Sms(from, to, "Your code: 4711"));
  }

  static String to(LoopbackServer.Request r) {
    try {
      return JSON.readTree(r.body()).get("to").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void postsTheJsonWithTokenAndReadsTheId() throws Exception {
    try (LoopbackServer server =
            LoopbackServer.start(
                r ->
                    "Bearer s3cret".equals(r.header("Authorization"))
                        ? Reply.of(202, "{\"id\":\"gw-77\",\"status\":\"accepted\"}")
                        : Reply.of(401));
        HttpGatewaySmsChannel channel =
            new HttpGatewaySmsChannel(
                SmsSettings.Gateway.defaults(server.url("/v1/sms"))
                    .withBearerToken("s3cret")
                    .withFrom("Shop"))) {
      assertThat(channel.send(sms(null, "+4915112345678")))
          .isEqualTo(new Outcome.Sent("gw-77", "HTTP 202"));
      assertThat(channel.send(sms("+15005550006", "+4915112345678")))
          .isInstanceOf(Outcome.Sent.class);

      LoopbackServer.Request r = server.requests().get(0);
      assertThat(r.path()).isEqualTo("/v1/sms");
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Idempotency-Key")).isEqualTo("msg_9");
      assertThat(JSON.readTree(r.body()))
          .isEqualTo(
              JSON.readTree(
                  "{\"id\":\"msg_9\",\"to\":\"+4915112345678\",\"from\":\"Shop\","
                      + "\"text\":\"Your code: 4711\"}"));
      JsonNode second = JSON.readTree(server.requests().get(1).body());
      assertThat(second.get("from").asText()).isEqualTo("+15005550006");
    }
  }

  @Test
  void theProviderIdFieldIsConfigurableAndOptional() throws Exception {
    try (LoopbackServer server =
            LoopbackServer.start(
                r -> Reply.of(200, "{\"data\":{\"messageId\":4242},\"id\":\"outer\"}"));
        HttpGatewaySmsChannel nested =
            new HttpGatewaySmsChannel(
                SmsSettings.Gateway.defaults(server.url("/"))
                    .withProviderIdField("/data/messageId"));
        HttpGatewaySmsChannel missing =
            new HttpGatewaySmsChannel(
                SmsSettings.Gateway.defaults(server.url("/")).withProviderIdField("ref"))) {
      assertThat(nested.send(sms(null, "+1"))).isEqualTo(new Outcome.Sent("4242", "HTTP 200"));
      assertThat(missing.send(sms(null, "+1"))).isEqualTo(new Outcome.Sent(null, "HTTP 200"));
      assertThat(JSON.readTree(server.requests().get(0).body()).get("from").isNull()).isTrue();
      assertThat(server.requests().get(0).header("Authorization")).isNull();
    }
  }

  @Test
  void otherAnswersAsForWebhooks() throws Exception {
    try (LoopbackServer server =
            LoopbackServer.start(
                r ->
                    switch (to(r)) {
                      case "+1" -> Reply.of(410, "number deactivated");
                      case "+2" -> new Reply(503, Map.of("Retry-After", "5"), "");
                      case "+3" -> Reply.of(400, "{\"error\":\"bad number\"}");
                      default -> Reply.of(200, "not json");
                    });
        HttpGatewaySmsChannel channel =
            new HttpGatewaySmsChannel(SmsSettings.Gateway.defaults(server.url("/")))) {
      assertThat(channel.send(sms(null, "+1")))
          .isEqualTo(new Outcome.Gone("HTTP 410: number deactivated (the endpoint is gone)"));
      assertThat(channel.send(sms(null, "+2")))
          .isEqualTo(new Outcome.Retry("HTTP 503", Duration.ofSeconds(5)));
      assertThat(channel.send(sms(null, "+3")))
          .isEqualTo(new Outcome.Failed("HTTP 400: {\"error\":\"bad number\"}"));
      assertThat(channel.send(sms(null, "+4"))).isEqualTo(new Outcome.Sent(null, "HTTP 200"));
    }
  }
}
