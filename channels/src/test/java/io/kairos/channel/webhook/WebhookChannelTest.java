package io.kairos.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.LoopbackServer;
import io.kairos.channel.http.LoopbackServer.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The webhook channel against a real HTTP server on loopback (allow-listed for the test). */
class WebhookChannelTest {

  static final String SECRET = WebhookSignatureTest.SECRET;
  static final String BODY = "{\"type\":\"cart.abandoned\",\"data\":{\"total\":\"42.00 €\"}}";

  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-03-01T10:00:00Z"));
  final InstantSource clock = now::get;

  WebhookChannel channel() {
    return new WebhookChannel(
        WebhookSettings.defaults(SECRET).withAllowList(List.of("127.0.0.1")).withClock(clock));
  }

  static Delivery delivery(String url, int attempt) {
    return new Delivery(
        "msg_01HZX3",
        "shop",
        "p-1",
        attempt,
        new Content.Webhook(url, "POST", Map.of("X-Shop", "berlin"), BODY));
  }

  /** A receiver that checks the signature as a customer would: 401 unless it verifies. */
  Reply verifying(LoopbackServer.Request r, int okStatus) {
    WebhookSignature.Verdict v =
        WebhookSignature.verify(
            SECRET,
            r.header("webhook-id"),
            r.header("webhook-timestamp"),
            r.text(),
            r.header("webhook-signature"),
            now.get(),
            WebhookSignature.TOLERANCE);
    return v.valid() ? Reply.of(okStatus) : Reply.of(401, v.toString());
  }

  @Test
  void theReceiverVerifiesTheSignatureWithTheSecret() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(r -> verifying(r, 204));
        WebhookChannel channel = channel()) {
      Outcome o = channel.send(delivery(server.url("/hooks/kairos"), 1));

      assertThat(o).isEqualTo(new Outcome.Sent(null, "HTTP 204"));
      LoopbackServer.Request r = server.requests().get(0);
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/hooks/kairos");
      assertThat(r.text()).isEqualTo(BODY);
      assertThat(r.header("webhook-id")).isEqualTo("msg_01HZX3");
      assertThat(r.header("webhook-timestamp")).isEqualTo("1740823200");
      assertThat(r.header("Idempotency-Key")).isEqualTo("msg_01HZX3");
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("User-Agent")).isEqualTo("Kairos-Webhooks/1");
      assertThat(r.header("X-Shop")).isEqualTo("berlin");
    }
  }

  @Test
  void aRetryCarriesTheSameIdAndANewTimestamp() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (LoopbackServer server =
            LoopbackServer.start(
                r -> calls.incrementAndGet() == 1 ? Reply.of(500, "db down") : verifying(r, 200));
        WebhookChannel channel = channel()) {
      Outcome first = channel.send(delivery(server.url("/h"), 1));
      now.set(now.get().plusSeconds(60));
      Outcome second = channel.send(delivery(server.url("/h"), 2));

      assertThat(first).isEqualTo(new Outcome.Retry("HTTP 500: db down", null));
      assertThat(second).isInstanceOf(Outcome.Sent.class);
      List<LoopbackServer.Request> rs = server.requests();
      assertThat(rs)
          .extracting(r -> r.header("webhook-id"))
          .containsExactly("msg_01HZX3", "msg_01HZX3");
      assertThat(rs)
          .extracting(r -> r.header("webhook-timestamp"))
          .containsExactly("1740823200", "1740823260");
      assertThat(rs.get(0).header("webhook-signature"))
          .isNotEqualTo(rs.get(1).header("webhook-signature"));
    }
  }

  @Test
  void goneEndpoint() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(r -> Reply.of(410));
        WebhookChannel channel = channel()) {
      assertThat(channel.send(delivery(server.url("/h"), 1)))
          .isEqualTo(new Outcome.Gone("HTTP 410 (the endpoint is gone)"));
    }
  }

  @Test
  void retryAfterInSecondsAndAsAnHttpDate() throws Exception {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            now.get().plusSeconds(90).atOffset(ZoneOffset.UTC));
    AtomicInteger calls = new AtomicInteger();
    try (LoopbackServer server =
            LoopbackServer.start(
                r ->
                    switch (calls.incrementAndGet()) {
                      case 1 -> new Reply(429, Map.of("Retry-After", "7"), "slow down");
                      case 2 -> new Reply(503, Map.of("Retry-After", date), "");
                      default -> Reply.of(502);
                    });
        WebhookChannel channel = channel()) {
      assertThat(channel.send(delivery(server.url("/h"), 1)))
          .isEqualTo(new Outcome.Retry("HTTP 429: slow down", Duration.ofSeconds(7)));
      assertThat(channel.send(delivery(server.url("/h"), 2)))
          .isEqualTo(new Outcome.Retry("HTTP 503", Duration.ofSeconds(90)));
      assertThat(channel.send(delivery(server.url("/h"), 3)))
          .isEqualTo(new Outcome.Retry("HTTP 502", null));
    }
  }

  @Test
  void requestTimeoutIsRetriedAndOtherClientErrorsFail() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (LoopbackServer server =
            LoopbackServer.start(
                r ->
                    calls.incrementAndGet() == 1
                        ? Reply.of(408)
                        : Reply.of(422, "{\"error\":\"unknown field\"}"));
        WebhookChannel channel = channel()) {
      assertThat(channel.send(delivery(server.url("/h"), 1))).isInstanceOf(Outcome.Retry.class);
      assertThat(channel.send(delivery(server.url("/h"), 1)))
          .isEqualTo(new Outcome.Failed("HTTP 422: {\"error\":\"unknown field\"}"));
    }
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    try (LoopbackServer server =
            LoopbackServer.start(
                r ->
                    r.path().equals("/old")
                        ? new Reply(302, Map.of("Location", "http://127.0.0.1:1/new"), "")
                        : Reply.of(200));
        WebhookChannel channel = channel()) {
      Outcome o = channel.send(delivery(server.url("/old"), 1));

      assertThat(o)
          .isEqualTo(
              new Outcome.Failed(
                  "HTTP 302 redirect to http://127.0.0.1:1/new not followed; point the URL at the"
                      + " final address"));
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void theMethodAndExtraHeadersAreTheDefinitionsButNotTheSignatureHeaders() throws Exception {
    try (LoopbackServer server = LoopbackServer.start(r -> Reply.of(200));
        WebhookChannel channel = channel()) {
      String url = server.url("/h");
      Content.Webhook put = new Content.Webhook(url, "put", Map.of(), BODY);
      assertThat(channel.send(new Delivery("m1", "w", "p", 1, put)))
          .isInstanceOf(Outcome.Sent.class);
      assertThat(server.requests().get(0).method()).isEqualTo("PUT");

      Content.Webhook delete = new Content.Webhook(url, "DELETE", Map.of(), BODY);
      assertThat(channel.send(new Delivery("m1", "w", "p", 1, delete)))
          .isEqualTo(new Outcome.Failed("webhook method must be POST, PUT or PATCH, got DELETE"));
      Content.Webhook forged =
          new Content.Webhook(url, "POST", Map.of("Webhook-Signature", "v1,xyz"), BODY);
      assertThat(channel.send(new Delivery("m1", "w", "p", 1, forged)))
          .isEqualTo(
              new Outcome.Failed("webhook header Webhook-Signature is set by Kairos itself"));
      Content.Webhook host = new Content.Webhook(url, "POST", Map.of("Host", "evil"), BODY);
      assertThat(channel.send(new Delivery("m1", "w", "p", 1, host)))
          .isEqualTo(new Outcome.Failed("webhook header Host is not allowed"));
      Content.Webhook ftp = new Content.Webhook("ftp://127.0.0.1/x", "POST", Map.of(), BODY);
      assertThat(channel.send(new Delivery("m1", "w", "p", 1, ftp)))
          .isEqualTo(new Outcome.Failed("webhook url must be http or https, got 'ftp'"));
      assertThat(channel.send(new Delivery("m.1", "w", "p", 1, put)))
          .isEqualTo(new Outcome.Failed("delivery id 'm.1' is not usable as a webhook-id"));
      assertThat(server.requests()).hasSize(1);
    }
  }
}
