package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import jakarta.mail.Address;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What became of a journey's messages in its stats: an email to three customers through a real SMTP
 * server, opened twice by one (and clicked), by Apple's privacy proxy for another, unsubscribed in
 * one click by the third; a text each through a local Twilio that refuses one number as invalid (a
 * hard bounce) and one as opted out (failed, and unsubscribed); an inbox message each, read twice
 * by one. Per step and in totals, by version, in a time window, and after an erasure; on SQLite and
 * PostgreSQL.
 */
class DeliveryStatsTest {
  private static final String PUBLIC = "https://kairos.test";
  private static final String SID = "AC" + "0123456789abcdef".repeat(2);
  private static final String SAFARI =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.4 Safari/605.1.15";

  @TempDir Path dir;
  private GreenMail smtp;
  private HttpServer twilio;
  private final Map<String, String> errors = new LinkedHashMap<>();

  @BeforeEach
  void peers() throws IOException {
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    twilio = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    twilio.createContext(
        "/2010-04-01/Accounts/" + SID + "/Messages.json",
        ex -> {
          String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String to = "";
          for (String kv : form.split("&")) {
            if (kv.startsWith("To=")) {
              to = URLDecoder.decode(kv.substring(3), StandardCharsets.UTF_8);
            }
          }
          String code;
          synchronized (errors) {
            code = errors.get(to);
          }
          int status = code == null ? 201 : 400;
          byte[] body =
              (code == null
                      ? "{\"sid\":\"SM"
                          + to.substring(to.length() - 1)
                          + "\",\"status\":\"queued\"}"
                      : "{\"code\":" + code + ",\"message\":\"refused\",\"status\":400}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    twilio.start();
  }

  @AfterEach
  void stopPeers() {
    smtp.stop();
    twilio.stop(0);
  }

  private DeliveryFixture fixture(StoreKind kind) {
    return new DeliveryFixture(
        kind,
        dir,
        c ->
            c.set("channels.email.smtp.host", "127.0.0.1")
                .set("channels.email.smtp.port", Integer.toString(smtp.getSmtp().getPort()))
                .set("channels.email.smtp.security", "none")
                .set("channels.email.from", "Shop <news@shop.example>")
                .set("server.public_url", PUBLIC)
                .set("channels.sms.provider", "twilio")
                .set(
                    "channels.sms.twilio.base_url",
                    "http://127.0.0.1:" + twilio.getAddress().getPort())
                .set("channels.sms.twilio.account_sid", SID)
                .set("channels.sms.twilio.auth_token", "secret")
                .set("channels.sms.from", "+15005550006"));
  }

  private static final String JOURNEY =
      """
      id: launch
      goal: g
      trigger: { event: Launch }
      entry: parallel
      steps:
        - id: mail
          send: email
          template: launch-mail
        - id: text
          send: sms
          template: launch-text
        - id: note
          send: inbox
          template: launch-note
      """;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void deliveriesOpensClicksUnsubscribesAndReadsArePerStepAndInTotals(StoreKind kind)
      throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      f.template(
          """
          {"id":"launch-mail","channel":"email","locales":{"en":{"subject":"New","html":
          "<html><body><p>Hi {{ profile.first_name }}</p><a href=\\"https://shop.example/new\\">See</a></body></html>",
          "text":"New! {{ links.unsubscribe }}"}}}
          """);
      f.template(
          "{\"id\":\"launch-text\",\"channel\":\"sms\",\"locales\":{\"en\":{\"text\":\"New\"}}}");
      f.template(
          "{\"id\":\"launch-note\",\"channel\":\"inbox\",\"locales\":{\"en\":{\"title\":\"New\","
              + "\"body\":\"Have a look\"}}}");
      f.journey(JOURNEY);
      synchronized (errors) {
        errors.put("+4915100000002", "21211"); // not a valid number: a hard bounce
        errors.put("+4915100000003", "21610"); // replied STOP: failed, and unsubscribed
      }
      f.send(
          identify("ana", "+4915100000001"),
          identify("bob", "+4915100000002"),
          identify("cleo", "+4915100000003"),
          launch("ana"),
          launch("bob"),
          launch("cleo"));
      f.delivered(9);
      f.clock.advance(Duration.ofMinutes(5));

      // Ana opens twice and clicks; Apple's proxy fetches Bob's pixel; Cleo unsubscribes in one
      // click, as her mailbox provider does.
      String ana = html(mail("ana@example.com"));
      assertThat(get(f, pixel(ana), SAFARI).status()).isEqualTo(200);
      assertThat(get(f, pixel(ana), SAFARI).status()).isEqualTo(200);
      assertThat(get(f, click(ana), SAFARI).status()).isEqualTo(302);
      assertThat(get(f, pixel(html(mail("bob@example.com"))), "Mozilla/5.0").status())
          .isEqualTo(200);
      String list = mail("cleo@example.com").getHeader("List-Unsubscribe", null);
      Matcher u = Pattern.compile("<https://kairos\\.test(/u/[A-Za-z0-9_-]+)>").matcher(list);
      assertThat(u.find()).as(list).isTrue();
      Http.Response one =
          f.http.post(
              u.group(1),
              null,
              "application/x-www-form-urlencoded",
              "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8));
      assertThat(one.status()).as(one.body()).isEqualTo(200);

      // Ana reads her inbox message, twice: one read.
      Http.Response t = f.http.postJson("/v1/inbox/tokens", f.read(), "{\"user_id\":\"ana\"}");
      String token = t.json().get("token").asText();
      String id = f.http.get("/v1/inbox", token).json().get("messages").get(0).get("id").asText();
      for (int i = 0; i < 2; i++) {
        Http.Response r = f.http.postJson("/v1/inbox/messages/" + id + "/read", token, "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      f.idle();

      JsonNode stats = stats(f, "");
      assertThat(counts(stats.get("totals")))
          .isEqualTo(
              "sent=9 delivered=7 bounced=1 failed=1 unique_opens=1 machine_opens=1"
                  + " unique_clicks=1 unsubscribed=2 read=1");
      assertThat(counts(step(stats, "mail")))
          .isEqualTo(
              "sent=3 delivered=3 bounced=0 failed=0 unique_opens=1 machine_opens=1"
                  + " unique_clicks=1 unsubscribed=1 read=0");
      assertThat(counts(step(stats, "text")))
          .isEqualTo(
              "sent=3 delivered=1 bounced=1 failed=1 unique_opens=0 machine_opens=0"
                  + " unique_clicks=0 unsubscribed=1 read=0");
      assertThat(counts(step(stats, "note")))
          .isEqualTo(
              "sent=3 delivered=3 bounced=0 failed=0 unique_opens=0 machine_opens=0"
                  + " unique_clicks=0 unsubscribed=0 read=1");
      // The one version has them all; the list of every journey says the same.
      JsonNode versions = stats(f, "?by=version").get("versions");
      assertThat(versions).hasSize(1);
      assertThat(counts(versions.get(0).get("totals"))).isEqualTo(counts(stats.get("totals")));
      Http.Response all = f.http.get("/v1/stats/journeys", f.read());
      assertThat(counts(all.json().get("journeys").get(0).get("totals")))
          .isEqualTo(counts(stats.get("totals")));

      // The window filters on the decisions' time: the opens came later, but belong to messages
      // decided before it.
      assertThat(counts(stats(f, "?from=2026-03-02T10:15:00Z").get("totals")))
          .isEqualTo(
              "sent=0 delivered=0 bounced=0 failed=0 unique_opens=0 machine_opens=0"
                  + " unique_clicks=0 unsubscribed=0 read=0");
      assertThat(counts(stats(f, "?to=2026-03-02T10:15:00Z").get("totals")))
          .isEqualTo(counts(stats.get("totals")));

      // An erasure takes the customer's messages out of every count, as it takes its decisions.
      Http.Response erased = f.http.delete("/v1/profiles/cleo", f.admin);
      assertThat(erased.status()).as(erased.body()).isEqualTo(200);
      f.idle();
      assertThat(counts(stats(f, "").get("totals")))
          .isEqualTo(
              "sent=6 delivered=5 bounced=1 failed=0 unique_opens=1 machine_opens=1"
                  + " unique_clicks=1 unsubscribed=0 read=1");
    }
  }

  private static JsonNode stats(DeliveryFixture f, String query) {
    Http.Response r = f.http.get("/v1/journeys/launch/stats" + query, f.read());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static JsonNode step(JsonNode stats, String step) {
    for (JsonNode s : stats.get("steps")) {
      if (s.get("step").asText().equals(step)) {
        return s;
      }
    }
    throw new AssertionError("no step " + step + " in " + stats);
  }

  private static String counts(JsonNode c) {
    StringBuilder b = new StringBuilder();
    for (String name :
        new String[] {
          "sent",
          "delivered",
          "bounced",
          "failed",
          "unique_opens",
          "machine_opens",
          "unique_clicks",
          "unsubscribed",
          "read"
        }) {
      b.append(b.length() == 0 ? "" : " ").append(name).append('=').append(c.get(name).asLong());
    }
    return b.toString();
  }

  private MimeMessage mail(String to) throws Exception {
    for (MimeMessage m : smtp.getReceivedMessages()) {
      for (Address a : m.getAllRecipients()) {
        if (a.toString().contains(to)) {
          return m;
        }
      }
    }
    throw new AssertionError("no mail to " + to);
  }

  private static String html(Part p) throws Exception {
    if (p.isMimeType("text/html")) {
      return p.getContent().toString();
    }
    if (p.getContent() instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        String h = html(mp.getBodyPart(i));
        if (h != null) {
          return h;
        }
      }
    }
    return null;
  }

  private static String pixel(String html) {
    Matcher m = Pattern.compile("<img src=\"https://kairos\\.test(/t/o/[^\"]+)\"").matcher(html);
    assertThat(m.find()).as(html).isTrue();
    return m.group(1);
  }

  private static String click(String html) {
    Matcher m = Pattern.compile("href=\"https://kairos\\.test(/t/c/[^\"]+)\"").matcher(html);
    assertThat(m.find()).as(html).isTrue();
    return m.group(1);
  }

  private static Http.Response get(DeliveryFixture f, String path, String userAgent) {
    return f.http.send(f.http.builder(path, null).header("User-Agent", userAgent).GET().build());
  }

  private static String identify(String user, String phone) {
    return "{\"type\":\"identify\",\"userId\":\""
        + user
        + "\",\"traits\":{\"email\":\""
        + user
        + "@example.com\",\"phone\":\""
        + phone
        + "\",\"first_name\":\""
        + user
        + "\"}}";
  }

  private static String launch(String user) {
    return "{\"type\":\"track\",\"userId\":\"" + user + "\",\"event\":\"Launch\"}";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
