package io.kairos.channel.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The channel against a push service on loopback, read by the test as the browser would. */
class WebPushChannelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String SUBJECT = "mailto:ops@shop.example";
  private static final VapidKeys KEYS = VapidKeys.generate();

  private PushService service;
  private Browser browser;
  private WebPushChannel channel;

  @BeforeEach
  void start() throws Exception {
    service = new PushService();
    browser = new Browser();
    channel = new WebPushChannel(settings(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    channel.close();
    service.close();
  }

  private static WebPushSettings settings() {
    return WebPushSettings.of(KEYS, SUBJECT)
        .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300))
        .withPlainHttpAllowed();
  }

  private Delivery delivery(Content.PushTarget target, String title, Map<String, String> data) {
    return new Delivery(
        "msg-42",
        "shop",
        "user-7",
        1,
        new Content.Push(
            target,
            title,
            "Your cart misses you 🛒",
            "https://shop.example/icon.png",
            "https://shop.example/cart",
            data));
  }

  private Delivery delivery() {
    return delivery(
        browser.subscription(service.endpoint("/wpush/abc")), "سلام 👋", Map.of("cart", "3"));
  }

  @Test
  void theBrowserDecryptsWhatWasSentAndTheServiceSeesAValidVapidToken() throws Exception {
    Outcome outcome = channel.send(delivery());

    assertThat(outcome)
        .isEqualTo(new Outcome.Sent("https://push.example/m/1", "push service took it (201)"));
    PushService.Request request = service.requests.poll(5, TimeUnit.SECONDS);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/wpush/abc");
    assertThat(request.headers().getFirst("Content-Encoding")).isEqualTo("aes128gcm");
    assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(request.headers().getFirst("TTL")).isEqualTo("2419200");
    assertThat(request.headers().getFirst("Urgency")).isEqualTo("normal");
    assertThat(request.headers().getFirst("Topic")).matches("[A-Za-z0-9_-]{32}");

    JsonNode payload = JSON.readTree(browser.decrypt(request.body()));
    assertThat(payload.get("title").asText()).isEqualTo("سلام 👋");
    assertThat(payload.get("body").asText()).isEqualTo("Your cart misses you 🛒");
    assertThat(payload.get("icon").asText()).isEqualTo("https://shop.example/icon.png");
    assertThat(payload.get("url").asText()).isEqualTo("https://shop.example/cart");
    assertThat(payload.get("data").get("cart").asText()).isEqualTo("3");
    assertThat(payload.get("id").asText()).isEqualTo("msg-42");

    String authorization = request.headers().getFirst("Authorization");
    assertThat(authorization).startsWith("vapid t=");
    String token = authorization.substring("vapid t=".length(), authorization.indexOf(", k="));
    String k = authorization.substring(authorization.indexOf(", k=") + 4);
    assertThat(k).isEqualTo(KEYS.publicKey());
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    JsonNode header = JSON.readTree(Browser.unb64(parts[0]));
    assertThat(header.get("alg").asText()).isEqualTo("ES256");
    assertThat(header.get("typ").asText()).isEqualTo("JWT");
    byte[] signature = Browser.unb64(parts[2]);
    assertThat(signature).hasSize(64);
    assertThat(
            verifyEs256(Browser.publicKey(Browser.unb64(k)), parts[0] + "." + parts[1], signature))
        .isTrue();
    JsonNode claims = JSON.readTree(Browser.unb64(parts[1]));
    assertThat(claims.get("aud").asText()).isEqualTo("http://127.0.0.1:" + service.port());
    assertThat(claims.get("exp").asLong())
        .isEqualTo(NOW.plus(Duration.ofHours(12)).getEpochSecond());
    assertThat(claims.get("sub").asText()).isEqualTo(SUBJECT);
  }

  @Test
  void aRetryOfTheSameMessageCarriesTheSameTopicAndAnotherMessageAnother() throws Exception {
    channel.send(delivery());
    channel.send(delivery());
    Delivery other = new Delivery("msg-43", "shop", "user-7", 1, delivery().content());
    channel.send(other);

    String first = service.requests.poll(5, TimeUnit.SECONDS).headers().getFirst("Topic");
    PushService.Request second = service.requests.poll(5, TimeUnit.SECONDS);
    String third = service.requests.poll(5, TimeUnit.SECONDS).headers().getFirst("Topic");
    assertThat(second.headers().getFirst("Topic")).isEqualTo(first);
    assertThat(third).isNotEqualTo(first);
  }

  @ParameterizedTest(name = "{0} Retry-After ''{1}'' -> {2}")
  @CsvSource({
    "200, '', Sent, ",
    "202, '', Sent, ",
    "404, '', Gone, ",
    "410, '', Gone, ",
    "429, 30, Retry, 30",
    "429, 'Sun, 01 Mar 2026 10:02:00 GMT', Retry, 120",
    "500, '', Retry, ",
    "503, 7, Retry, 7",
    "413, '', Failed, ",
    "400, '', Failed, ",
    "403, '', Failed, ",
  })
  void eachAnswerLeadsToItsOutcome(int status, String retryAfter, String kind, Long seconds) {
    service.answer(
        retryAfter.isEmpty()
            ? PushService.reply(status, "{\"reason\":\"test\"}")
            : PushService.reply(status, "", "Retry-After", retryAfter));

    Outcome outcome = channel.send(delivery());

    assertThat(outcome.getClass().getSimpleName()).isEqualTo(kind);
    assertThat(outcome.detail()).contains(Integer.toString(status));
    if (outcome instanceof Outcome.Retry retry) {
      assertThat(retry.retryAfter())
          .isEqualTo(seconds == null ? null : Duration.ofSeconds(seconds));
    }
    if (outcome instanceof Outcome.Sent sent) {
      assertThat(sent.providerId()).isNull();
    }
  }

  @Test
  void aServiceThatTakesTheRequestAndNeverAnswersIsAmbiguous() throws Exception {
    try (ServerSocket hanging = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CountDownLatch requestRead = new CountDownLatch(1);
      Thread acceptor =
          new Thread(
              () -> {
                try (Socket socket = hanging.accept()) {
                  readRequest(socket.getInputStream());
                  requestRead.countDown();
                  socket.getInputStream().read(); // holds the connection until the client gives up
                } catch (Exception closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String endpoint = "http://127.0.0.1:" + hanging.getLocalPort() + "/wpush/hang";

      Outcome outcome = channel.send(delivery(browser.subscription(endpoint), "hello", Map.of()));

      assertThat(outcome).isInstanceOf(Outcome.Ambiguous.class);
      assertThat(outcome.detail()).contains("300 ms");
      assertThat(requestRead.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port + "/wpush/none";

    Outcome outcome = channel.send(delivery(browser.subscription(endpoint), "hello", Map.of()));

    assertThat(outcome).isInstanceOf(Outcome.Retry.class);
    assertThat(outcome.detail()).contains("could not connect");
  }

  @Test
  void aPayloadOverTheLimitFailsWithoutARequest() {
    String title = "x".repeat(WebPushChannel.MAX_PAYLOAD_BYTES);

    Outcome outcome =
        channel.send(
            delivery(browser.subscription(service.endpoint("/wpush/big")), title, Map.of()));

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    assertThat(outcome.detail()).contains("payload too large").contains("3993");
    assertThat(service.requests).isEmpty();
  }

  @Test
  void aPayloadJustUnderTheLimitGoesAndDecrypts() throws Exception {
    Delivery probe = delivery(browser.subscription(service.endpoint("/wpush/edge")), "", Map.of());
    int overhead = WebPushChannel.payload(probe.id(), (Content.Push) probe.content()).length;
    String title = "x".repeat(WebPushChannel.MAX_PAYLOAD_BYTES - overhead);

    Outcome outcome =
        channel.send(
            delivery(browser.subscription(service.endpoint("/wpush/edge")), title, Map.of()));

    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    PushService.Request request = service.requests.poll(5, TimeUnit.SECONDS);
    assertThat(request.body()).hasSize(4096);
    assertThat(JSON.readTree(browser.decrypt(request.body())).get("title").asText())
        .isEqualTo(title);
  }

  @Test
  void anFcmTokenIsNotForThisChannel() {
    Outcome outcome = channel.send(delivery(new Content.FcmToken("abc"), "hello", Map.of()));

    assertThat(outcome).isEqualTo(new Outcome.Failed("not a web push subscription"));
    assertThat(service.requests).isEmpty();
  }

  @Test
  void aPlainHttpEndpointIsRefusedUnlessAllowed() {
    WebPushChannel strict =
        new WebPushChannel(WebPushSettings.of(KEYS, SUBJECT), Clock.fixed(NOW, ZoneOffset.UTC));

    Outcome outcome = strict.send(delivery());

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    assertThat(outcome.detail()).contains("must be an https URL");
    assertThat(service.requests).isEmpty();
  }

  @Test
  void aBrokenSubscriptionFailsNamingTheField() {
    Content.WebPushSubscription good = browser.subscription(service.endpoint("/wpush/x"));
    Content.WebPushSubscription shortAuth =
        new Content.WebPushSubscription(good.endpoint(), good.p256dh(), Browser.b64(new byte[8]));
    Content.WebPushSubscription badKey =
        new Content.WebPushSubscription(good.endpoint(), Browser.b64(new byte[65]), good.auth());

    assertThat(channel.send(delivery(shortAuth, "t", Map.of())).detail())
        .contains("auth must be 16 bytes");
    assertThat(channel.send(delivery(badKey, "t", Map.of())).detail())
        .contains("uncompressed P-256 point");
    assertThat(service.requests).isEmpty();
  }

  private static boolean verifyEs256(PublicKey key, String signingInput, byte[] raw)
      throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return verifier.verify(der(raw));
  }

  /** JOSE's R || S as the DER SEQUENCE the JDK's plain ECDSA verifies. */
  private static byte[] der(byte[] raw) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)).toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.write(2 + r.length + 2 + s.length);
    out.write(0x02);
    out.write(r.length);
    out.writeBytes(r);
    out.write(0x02);
    out.write(s.length);
    out.writeBytes(s);
    return out.toByteArray();
  }

  /** Reads one HTTP/1.1 request with a Content-Length body. */
  private static void readRequest(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed before the request ended");
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1).toLowerCase();
    int at = headers.indexOf("content-length:");
    int length = Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).strip());
    in.readNBytes(length);
  }
}
