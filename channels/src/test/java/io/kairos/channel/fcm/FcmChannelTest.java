package io.kairos.channel.fcm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The channel against Google's token endpoint and FCM's messages:send, both on loopback. */
class FcmChannelTest {
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  private Google google;
  private MutableClock clock;
  private FcmChannel channel;

  @BeforeEach
  void start() throws Exception {
    google = new Google();
    clock = new MutableClock(START);
    channel = new FcmChannel(settings(), clock);
  }

  @AfterEach
  void stop() {
    channel.close();
    google.close();
  }

  private FcmSettings settings() {
    return FcmSettings.of(ServiceAccount.fromJson(google.serviceAccountJson(Google.ACCOUNT_KEY)))
        .withBaseUrl(google.baseUrl())
        .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300));
  }

  private static Delivery delivery(String id, Content.PushTarget target, Map<String, String> data) {
    return new Delivery(
        id,
        "shop",
        "user-7",
        1,
        new Content.Push(
            target,
            "سلام 👋",
            "Your cart misses you 🛒",
            "https://shop.example/icon.png",
            "https://shop.example/cart",
            data));
  }

  private static Delivery delivery() {
    return delivery("msg-42", new Content.FcmToken("device-token-1"), Map.of("cart", "3"));
  }

  @Test
  void aMessageGoesWithTheV1ShapeAndTheServiceAccountsToken() throws Exception {
    Outcome outcome = channel.send(delivery());

    assertThat(outcome)
        .isEqualTo(new Outcome.Sent("projects/shop-push-1/messages/0:1", "FCM took it"));
    Google.Send send = google.sends.poll(5, TimeUnit.SECONDS);
    assertThat(send.authorization()).isEqualTo("Bearer token-1");
    JsonNode message = send.body().get("message");
    assertThat(send.body().size()).isEqualTo(1);
    assertThat(message.get("token").asText()).isEqualTo("device-token-1");
    assertThat(message.get("notification").get("title").asText()).isEqualTo("سلام 👋");
    assertThat(message.get("notification").get("body").asText())
        .isEqualTo("Your cart misses you 🛒");
    assertThat(message.get("data").get("cart").asText()).isEqualTo("3");
    assertThat(message.get("data").get("url").asText()).isEqualTo("https://shop.example/cart");
    assertThat(message.get("data").get("kairos_message_id").asText()).isEqualTo("msg-42");
    assertThat(message.get("webpush").get("fcm_options").get("link").asText())
        .isEqualTo("https://shop.example/cart");
    assertThat(message.get("webpush").get("notification").get("icon").asText())
        .isEqualTo("https://shop.example/icon.png");

    JsonNode claims = google.assertions.poll(5, TimeUnit.SECONDS);
    assertThat(claims.get("iat").asLong()).isEqualTo(START.getEpochSecond());
    assertThat(claims.get("exp").asLong()).isEqualTo(START.getEpochSecond() + 3600);
  }

  @Test
  void oneTokenServesManySendsUntilShortlyBeforeItExpires() {
    for (int i = 0; i < 5; i++) {
      assertThat(channel.send(delivery())).isInstanceOf(Outcome.Sent.class);
      clock.advance(Duration.ofMinutes(10));
    }
    assertThat(google.tokenRequests).hasValue(1);

    clock.advance(Duration.ofMinutes(9)); // 59 min after the token came: within the last minute
    assertThat(channel.send(delivery())).isInstanceOf(Outcome.Sent.class);

    assertThat(google.tokenRequests).hasValue(2);
    assertThat(google.sends.stream().map(Google.Send::authorization).toList())
        .containsExactly(
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-2");
  }

  @Test
  void aRevokedTokenIsReplacedOnceWithinTheSameAttempt() {
    assertThat(channel.send(delivery())).isInstanceOf(Outcome.Sent.class);
    google.validTokens.remove("token-1");

    Outcome outcome = channel.send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    assertThat(google.tokenRequests).hasValue(2);
    assertThat(google.sends.stream().map(Google.Send::authorization).toList())
        .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
  }

  @Test
  void aSecond401FailsWithoutATokenLoop() {
    google.refuseEveryToken = true;

    Outcome outcome = channel.send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    assertThat(outcome.detail()).contains("fresh access token").contains("UNAUTHENTICATED");
    assertThat(google.tokenRequests).hasValue(2);
    assertThat(google.sends).hasSize(2);
  }

  @Test
  void unregisteredTokenIsGone() {
    google.reply(
        404, Google.error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found."));

    Outcome outcome = channel.send(delivery());

    assertThat(outcome)
        .isEqualTo(new Outcome.Gone("FCM 404 UNREGISTERED: Requested entity was not found."));
  }

  @Test
  void aMalformedTokenIsGoneButAnotherInvalidArgumentFails() {
    google.reply(
        400,
        Google.error(
            400,
            "INVALID_ARGUMENT",
            "INVALID_ARGUMENT",
            "The registration token is not a valid FCM registration token"));
    google.reply(
        400,
        Google.error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Message payload is too big"));

    assertThat(channel.send(delivery())).isInstanceOf(Outcome.Gone.class);
    Outcome second = channel.send(delivery());
    assertThat(second).isInstanceOf(Outcome.Failed.class);
    assertThat(second.detail()).isEqualTo("FCM 400 INVALID_ARGUMENT: Message payload is too big");
  }

  @Test
  void aTokenFieldViolationIsGone() {
    google.reply(
        400,
        "{\"error\":{\"code\":400,\"message\":\"Request contains an invalid argument.\","
            + "\"status\":\"INVALID_ARGUMENT\",\"details\":["
            + "{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
            + "\"errorCode\":\"INVALID_ARGUMENT\"},"
            + "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":"
            + "[{\"field\":\"message.token\",\"description\":\"Invalid registration token\"}]}]}}");

    assertThat(channel.send(delivery())).isInstanceOf(Outcome.Gone.class);
  }

  @Test
  void quotaExceededIsRetriedAfterWhatFcmAsks() {
    google.reply(
        429,
        Google.error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded."),
        "Retry-After",
        "60");

    Outcome outcome = channel.send(delivery());

    assertThat(outcome)
        .isEqualTo(
            new Outcome.Retry("FCM 429 QUOTA_EXCEEDED: Quota exceeded.", Duration.ofSeconds(60)));
  }

  @Test
  void unavailableAndInternalAreRetried() {
    google.reply(
        503, Google.error(503, "UNAVAILABLE", "UNAVAILABLE", "The service is unavailable."));
    google.reply(500, Google.error(500, "INTERNAL", "INTERNAL", "Internal error."));
    google.reply(502, "<html>Bad gateway</html>");

    for (int i = 0; i < 3; i++) {
      Outcome outcome = channel.send(delivery());
      assertThat(outcome).isInstanceOf(Outcome.Retry.class);
      assertThat(((Outcome.Retry) outcome).retryAfter()).isNull();
    }
  }

  @Test
  void senderMismatchAndThirdPartyAuthFailWithoutANewToken() {
    google.reply(
        403, Google.error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch"));
    google.reply(
        401,
        Google.error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", "Auth error from APNS"));

    Outcome mismatch = channel.send(delivery());
    Outcome apns = channel.send(delivery());

    assertThat(mismatch)
        .isEqualTo(new Outcome.Failed("FCM 403 SENDER_ID_MISMATCH: SenderId mismatch"));
    assertThat(apns).isInstanceOf(Outcome.Failed.class);
    assertThat(apns.detail()).contains("THIRD_PARTY_AUTH_ERROR");
    assertThat(google.tokenRequests).hasValue(1);
  }

  @Test
  void aServiceAccountTheTokenEndpointRefusesFailsAndNothingIsSent() {
    FcmSettings wrongKey =
        FcmSettings.of(ServiceAccount.fromJson(google.serviceAccountJson(Google.rsa())))
            .withBaseUrl(google.baseUrl());

    Outcome outcome = new FcmChannel(wrongKey, clock).send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    assertThat(outcome.detail())
        .contains("token endpoint refused the service account " + Google.CLIENT_EMAIL)
        .contains("Invalid JWT Signature.");
    assertThat(google.sends).isEmpty();
  }

  @Test
  void aFailingTokenEndpointIsRetriedAndNothingIsSent() {
    google.tokenStatus = 503;

    Outcome outcome = channel.send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(google.sends).isEmpty();
  }

  @Test
  void aTokenEndpointWithoutAnswerIsRetriedSinceNothingWasSent() {
    google.hangTokens = true;

    Outcome outcome = channel.send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).startsWith("getting an FCM access token: no answer within 300 ms");
    assertThat(google.sends).isEmpty();
  }

  @Test
  void aSendWithoutAnswerIsAmbiguous() {
    google.hangSends = true;

    Outcome outcome = channel.send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Ambiguous.class);
    assertThat(outcome.detail()).contains("300 ms");
    assertThat(google.sends).hasSize(1);
  }

  @Test
  void anUnreachableFcmIsRetried() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    FcmChannel unreachable =
        new FcmChannel(settings().withBaseUrl("http://127.0.0.1:" + port), clock);

    Outcome outcome = unreachable.send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("could not connect");
  }

  @Test
  void aReservedDataKeyOrAWebPushTargetFailsWithoutARequest() {
    Outcome reserved =
        channel.send(delivery("m", new Content.FcmToken("t"), Map.of("google.sent_time", "1")));
    Outcome webPush =
        channel.send(
            delivery(
                "m", new Content.WebPushSubscription("https://x.example/p", "a", "b"), Map.of()));

    assertThat(reserved.detail()).contains("data key 'google.sent_time' is reserved by FCM");
    assertThat(webPush).isEqualTo(new Outcome.Failed("not an FCM registration token"));
    assertThat(google.tokenRequests).hasValue(0);
    assertThat(google.sends).isEmpty();
  }
}
