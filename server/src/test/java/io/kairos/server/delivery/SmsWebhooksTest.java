package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.kairos.channel.sms.TwilioSignature;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What SMS providers post back, through the server's HTTP API: Twilio's inbound webhook (STOP,
 * START, replies) and status callbacks, signed as Twilio signs them, and the generic gateway's
 * inbound texts; with a local server speaking Twilio's Messages API for the texts Kairos sends.
 */
class SmsWebhooksTest {
  private static final String SID = "AC" + "0123456789abcdef".repeat(2);
  private static final String TOKEN = "twilio-auth-token";

  /** The URL Twilio calls: a proxy in front of the server (the test calls the server directly). */
  private static final String PUBLIC = "https://sms.shop.example/kairos";

  private static final String ANA = "+4915100000001";
  private static final String BOB = "+4915100000002";
  private static final String CLEO = "+4915100000003";
  private static final String DAN = "+4915100000004";
  private static final String OURS = "+15005550006";

  @TempDir Path dir;
  private HttpServer twilio;
  private final List<String> sentTo = new CopyOnWriteArrayList<>();

  /** Each recipient's last StatusCallback and sid. */
  private final Map<String, String[]> callbacks = new ConcurrentHashMap<>();

  @BeforeEach
  void twilio() throws IOException {
    twilio = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    twilio.createContext(
        "/2010-04-01/Accounts/" + SID + "/Messages.json",
        ex -> {
          Map<String, String> form =
              parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          sentTo.add(form.get("To"));
          String sid = "SM" + sentTo.size();
          callbacks.put(form.get("To"), new String[] {form.get("StatusCallback"), sid});
          byte[] body = ("{\"sid\":\"" + sid + "\",\"status\":\"queued\"}").getBytes();
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(201, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    twilio.start();
  }

  @AfterEach
  void stop() {
    twilio.stop(0);
  }

  private DeliveryFixture fixture(StoreKind kind, boolean publicUrl) {
    DeliveryFixture f =
        new DeliveryFixture(
            kind,
            dir,
            c -> {
              twilioConfig(c);
              if (publicUrl) {
                c.set("server.public_url", PUBLIC);
              }
            });
    f.template(
        "{\"id\":\"deal\",\"channel\":\"sms\",\"locales\":{\"en\":{\"text\":\"Deal for {{"
            + " profile.first_name }}\"}}}");
    f.journey(
        """
        id: deals
        goal: g
        trigger: { event: Viewed }
        entry: parallel
        steps:
          - send: sms
            template: deal
        """);
    return f;
  }

  private void twilioConfig(ConfigLoader c) {
    c.set("channels.sms.provider", "twilio")
        .set("channels.sms.twilio.base_url", "http://127.0.0.1:" + twilio.getAddress().getPort())
        .set("channels.sms.twilio.account_sid", SID)
        .set("channels.sms.twilio.auth_token", TOKEN)
        .set("channels.sms.from", OURS);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void stopUnsubscribesStartResubscribesAndRepliesAreEvents(StoreKind kind) {
    try (DeliveryFixture f = fixture(kind, true)) {
      f.send(identify("ana", ANA), identify("bob", BOB));
      f.idle();

      // A STOP, signed for the URL Twilio called (the proxy's), and Twilio's retry of it.
      Http.Response stop = inbound(f, PUBLIC, "SMa1", ANA, " stop ", null);
      assertThat(stop.status()).as(stop.body()).isEqualTo(200);
      assertThat(stop.contentType()).startsWith("text/xml");
      assertThat(stop.body()).contains("<Response/>");
      assertThat(inbound(f, PUBLIC, "SMa1", ANA, " stop ", null).status()).isEqualTo(200);
      f.idle();
      assertThat(named(f.timeline("ana"), "Unsubscribed")).hasSize(1);

      // The next text to ana is skipped when the step runs; bob's goes.
      f.send(viewed("ana"), viewed("bob"));
      f.delivered(1);
      assertThat(sentTo).containsExactly(BOB);
      assertThat(f.timeline("ana"))
          .anySatisfy(
              e ->
                  assertThat(e.toString())
                      .contains("\"kind\":\"skipped\"")
                      .contains("unsubscribed from sms"));

      // START: texts again.
      assertThat(inbound(f, PUBLIC, "SMa2", ANA, "START", null).status()).isEqualTo(200);
      f.idle();
      assertThat(named(f.timeline("ana"), "Subscribed")).hasSize(1);
      f.send(viewed("ana"));
      f.delivered(2);
      assertThat(sentTo).containsExactly(BOB, ANA);

      // HELP and any other reply are events journeys can react to; a number nobody has is ignored.
      assertThat(inbound(f, PUBLIC, "SMa3", ANA, "What time do you open?", null).status())
          .isEqualTo(200);
      assertThat(inbound(f, PUBLIC, "SMa4", ANA, "help", null).status()).isEqualTo(200);
      assertThat(inbound(f, PUBLIC, "SMx", "+4915199999999", "STOP", null).status()).isEqualTo(200);
      f.idle();
      List<JsonNode> received = named(f.timeline("ana"), "SMS Received");
      assertThat(received).hasSize(2);
      assertThat(received.toString())
          .contains("What time do you open?")
          .contains("\"keyword\":\"help\"")
          .contains("\"provider_id\":\"SMa3\"");
      assertThat(named(f.timeline("bob"), "SMS Received")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badSignaturesAreRefusedAndRecordNothing(StoreKind kind) {
    try (DeliveryFixture f = fixture(kind, false)) {
      f.send(identify("ana", ANA));
      f.idle();
      String direct = "http://127.0.0.1:" + f.server.port();
      int before = f.timeline("ana").size();

      // Signed with another token, for another URL, or not at all.
      Http.Response wrongToken = inbound(f, direct, "SMb1", ANA, "STOP", "not-the-token");
      assertThat(wrongToken.status()).isEqualTo(403);
      assertThat(wrongToken.contentType()).startsWith("application/problem+json");
      assertThat(wrongToken.json().path("detail").asText()).contains("server.public_url");
      assertThat(inbound(f, PUBLIC, "SMb2", ANA, "STOP", null).status()).isEqualTo(403);
      Http.Response unsigned =
          f.http.send(
              HttpRequest.newBuilder(URI.create(direct + "/v1/sms/twilio/inbound"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("From=%2B4915100000001&Body=STOP"))
                  .build());
      assertThat(unsigned.status()).isEqualTo(401);
      // Signed, but not a whole inbound message.
      Map<String, String> noFrom = new LinkedHashMap<>();
      noFrom.put("To", OURS);
      noFrom.put("Body", "STOP");
      noFrom.put("MessageSid", "SMb3");
      Http.Response bad = signedPost(f, direct + "/v1/sms/twilio/inbound", noFrom, TOKEN);
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().path("errors").get(0).path("field").asText()).isEqualTo("From");
      f.idle();
      assertThat(f.timeline("ana")).hasSize(before);

      // Without server.public_url, the URL is this server's own address.
      assertThat(inbound(f, direct, "SMb4", ANA, "STOP", null).status()).isEqualTo(200);
      f.idle();
      assertThat(named(f.timeline("ana"), "Unsubscribed")).hasSize(1);
      // ... and Twilio is not asked for status callbacks it could not deliver.
      f.send(identify("bob", BOB), viewed("bob"));
      f.delivered(1);
      assertThat(callbacks.get(BOB)[0]).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void statusCallbacksReportDeliveriesBouncesAndFailures(StoreKind kind) {
    try (DeliveryFixture f = fixture(kind, true)) {
      f.send(
          identify("ana", ANA),
          identify("bob", BOB),
          identify("cleo", CLEO),
          viewed("ana"),
          viewed("bob"),
          viewed("cleo"));
      f.delivered(3);
      String callback = callbacks.get(ANA)[0];
      assertThat(callback).startsWith(PUBLIC + "/v1/sms/twilio/status?workspace=default&message=");

      // sent: not an outcome; delivered, twice (Twilio may repeat it): recorded once.
      assertThat(status(f, ANA, "sent", null).status()).isEqualTo(204);
      assertThat(status(f, ANA, "delivered", null).status()).isEqualTo(204);
      assertThat(status(f, ANA, "delivered", null).status()).isEqualTo(204);
      // bob's number is no longer in service: a bounce, and the number is suppressed.
      assertThat(status(f, BOB, "undelivered", "30005").status()).isEqualTo(204);
      // cleo's phone is off (30003, temporary): a failure, nothing suppressed.
      assertThat(status(f, CLEO, "undelivered", "30003").status()).isEqualTo(204);
      // dan replied STOP to Twilio after the text was queued (21610): his SMS consent says so.
      f.send(identify("dan", DAN), viewed("dan"));
      f.delivered(4);
      assertThat(status(f, DAN, "failed", "21610").status()).isEqualTo(204);
      // A callback naming no message Kairos sent changes nothing.
      String unknown = PUBLIC + "/v1/sms/twilio/status?workspace=default&message=nope";
      assertThat(
              signedPost(
                      f,
                      unknown,
                      Map.of("MessageSid", "SM9", "MessageStatus", "delivered", "To", ANA),
                      TOKEN)
                  .status())
          .isEqualTo(204);
      f.idle();

      List<JsonNode> delivered = named(f.timeline("ana"), "Message Delivered");
      assertThat(delivered).hasSize(1);
      assertThat(delivered.toString())
          .contains("\"journey\":\"deals\"")
          .contains("\"provider_id\":\"SM")
          .contains("\"message_id\":\"");
      assertThat(named(f.timeline("bob"), "Message Bounced").toString())
          .contains("\"error_code\":\"30005\"");
      assertThat(named(f.timeline("cleo"), "Message Bounced")).isEmpty();
      assertThat(named(f.timeline("cleo"), "Message Failed").toString())
          .contains("\"error_code\":\"30003\"");

      assertThat(named(f.timeline("dan"), "Unsubscribed").toString())
          .contains("\"channel\":\"sms\"");
      assertThat(named(f.timeline("dan"), "Message Failed").toString())
          .contains("\"address_gone\":true");

      // The journey stats count the later reports of texts the provider took, once each: all four
      // delivered (accepted), bob's bounced, cleo's and dan's failed, dan's unsubscribed.
      Http.Response stats = f.http.get("/v1/journeys/deals/stats", f.read());
      assertThat(stats.status()).as(stats.body()).isEqualTo(200);
      JsonNode t = stats.json().get("totals");
      assertThat(
              List.of(
                  t.get("sent").asLong(),
                  t.get("delivered").asLong(),
                  t.get("bounced").asLong(),
                  t.get("failed").asLong(),
                  t.get("unsubscribed").asLong()))
          .containsExactly(4L, 4L, 1L, 2L, 1L);

      // The next round: bob's text is skipped as suppressed, dan's as unsubscribed; ana and cleo
      // get theirs.
      f.send(viewed("ana"), viewed("bob"), viewed("cleo"), viewed("dan"));
      f.delivered(6);
      assertThat(sentTo).hasSize(6).containsOnlyOnce(BOB).containsOnlyOnce(DAN);
      assertThat(sentTo.subList(4, 6)).containsExactlyInAnyOrder(ANA, CLEO);
      assertThat(f.timeline("bob"))
          .anySatisfy(
              e -> assertThat(e.toString()).contains("\"kind\":\"skipped\"").contains("bounced"));
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theGenericGatewayPostsTextsWithItsToken(StoreKind kind) {
    try (DeliveryFixture f =
        new DeliveryFixture(
            kind,
            dir,
            c ->
                c.set("channels.sms.provider", "http")
                    .set(
                        "channels.sms.http.url",
                        "http://127.0.0.1:" + twilio.getAddress().getPort() + "/gateway")
                    .set("channels.sms.http.token", "gw-secret"))) {
      f.send(identify("ana", ANA));
      f.idle();
      String stop =
          "{\"from\":\"" + ANA + "\",\"to\":\"" + OURS + "\",\"text\":\"STOP\",\"id\":\"g1\"}";

      assertThat(f.http.postJson("/v1/sms/inbound", null, stop).status()).isEqualTo(401);
      Http.Response wrong = f.http.postJson("/v1/sms/inbound", "not-it", stop);
      assertThat(wrong.status()).isEqualTo(403);
      assertThat(wrong.contentType()).startsWith("application/problem+json");
      Http.Response noId =
          f.http.postJson(
              "/v1/sms/inbound", "gw-secret", "{\"from\":\"" + ANA + "\",\"text\":\"x\"}");
      assertThat(noId.status()).isEqualTo(400);
      assertThat(noId.json().path("errors").get(0).path("field").asText()).isEqualTo("id");
      f.idle();
      assertThat(named(f.timeline("ana"), "Unsubscribed")).isEmpty();

      Http.Response ok = f.http.postJson("/v1/sms/inbound", "gw-secret", stop);
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(ok.json().path("recorded").asInt()).isEqualTo(1);
      Http.Response again = f.http.postJson("/v1/sms/inbound", "gw-secret", stop);
      assertThat(again.json().path("recorded").asInt()).isZero();
      f.idle();
      List<JsonNode> unsubscribed = named(f.timeline("ana"), "Unsubscribed");
      assertThat(unsubscribed).hasSize(1);
      assertThat(unsubscribed.toString()).contains("\"channel\":\"sms\"");

      // Twilio's routes are not this server's provider.
      Http.Response twilioRoute =
          signedPost(
              f,
              "http://127.0.0.1:" + f.server.port() + "/v1/sms/twilio/inbound",
              Map.of("From", ANA, "To", OURS, "Body", "START", "MessageSid", "SMz"),
              TOKEN);
      assertThat(twilioRoute.status()).isEqualTo(404);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Posts Twilio's inbound form for a text from {@code from}, signed for {@code base}. */
  private Http.Response inbound(
      DeliveryFixture f, String base, String sid, String from, String body, String token) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("ToCountry", "US");
    form.put("SmsMessageSid", sid);
    form.put("NumMedia", "0");
    form.put("From", from);
    form.put("To", OURS);
    form.put("Body", body);
    form.put("MessageSid", sid);
    form.put("AccountSid", SID);
    form.put("ApiVersion", "2010-04-01");
    return signedPost(f, base + "/v1/sms/twilio/inbound", form, token == null ? TOKEN : token);
  }

  /** Posts Twilio's status callback for the text sent to {@code to}, to the URL it was given. */
  private Http.Response status(DeliveryFixture f, String to, String status, String errorCode) {
    String[] cb = callbacks.get(to);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("MessageSid", cb[1]);
    form.put("SmsSid", cb[1]);
    form.put("MessageStatus", status);
    form.put("SmsStatus", status);
    form.put("To", to);
    form.put("From", OURS);
    form.put("AccountSid", SID);
    if (errorCode != null) {
      form.put("ErrorCode", errorCode);
    }
    return signedPost(f, cb[0], form, TOKEN);
  }

  /**
   * Posts a form signed (with {@code token}) for {@code signedUrl}, the URL Twilio calls, to this
   * server's path and query of it: what a proxy in front of the server forwards.
   */
  private static Http.Response signedPost(
      DeliveryFixture f, String signedUrl, Map<String, String> form, String token) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    form.forEach((k, v) -> params.put(k, List.of(v)));
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    String pathAndQuery = signedUrl.substring(signedUrl.indexOf("/v1/"));
    return f.http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.server.port() + pathAndQuery))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Twilio-Signature", TwilioSignature.compute(token, signedUrl, params))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static List<JsonNode> named(List<JsonNode> timeline, String event) {
    return timeline.stream()
        .filter(e -> e.toString().contains("\"name\":\"" + event + "\""))
        .toList();
  }

  private static Map<String, String> parse(String form) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : form.split("&")) {
      int eq = kv.indexOf('=');
      out.put(
          URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String identify(String user, String phone) {
    return "{\"type\":\"identify\",\"userId\":\""
        + user
        + "\",\"traits\":{\"phone\":\""
        + phone
        + "\",\"first_name\":\""
        + user
        + "\"}}";
  }

  private static String viewed(String user) {
    return "{\"type\":\"track\",\"userId\":\"" + user + "\",\"event\":\"Viewed\"}";
  }
}
