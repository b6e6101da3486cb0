package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The links in a real email, followed as a mailbox provider and a person would: List-Unsubscribe
 * one-click, click redirects, the open pixel, the unsubscribe page, the preference centre and view
 * in browser; on SQLite and PostgreSQL.
 */
class EngagementTest {
  private static final String PUBLIC = "https://kairos.test";
  private static final String SAFARI =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.4 Safari/605.1.15";

  @TempDir Path dir;
  private GreenMail smtp;

  @BeforeEach
  void peers() throws IOException {
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
  }

  @AfterEach
  void stopPeers() {
    smtp.stop();
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
                .set("channels.email.unsubscribe_mailto", "unsubscribe@shop.example")
                .set("server.public_url", PUBLIC));
  }

  static final String POLICIES =
      """
      policies:
        topics:
          - { id: promotions, name: Offers & promotions, description: "Sales <weekly>" }
          - { id: stock-alerts, name: Back in stock, channels: [email, push] }
      """;

  static final String PROMO =
      """
      id: promo
      goal: g
      trigger: { event: Sale Started }
      entry: parallel
      steps:
        - send: email
          template: promo
          topic: promotions
      """;

  static final String RECEIPT =
      """
      id: receipt
      goal: g
      trigger: { event: Order Completed }
      steps:
        - send: email
          template: receipt
          category: transactional
      """;

  static final String PROMO_TEMPLATE =
      """
      {"id":"promo","channel":"email","locales":{"en":{"subject":"Sale","html":
      "<html><body><p>Hi {{ profile.first_name }}</p><A HREF='https://shop.example/sale?a=1&amp;b=2'>Sale</A> <a href=\\"mailto:help@shop.example\\">Help</a> <a href=\\"{{ links.unsubscribe }}\\">Unsubscribe</a> <a href=\\"{{ links.preferences }}\\">Preferences</a> <a href=\\"{{ links.view_in_browser }}\\">View</a></body></html>",
      "text":"Sale! Unsubscribe: {{ links.unsubscribe }}"}}}
      """;

  static final String RECEIPT_TEMPLATE =
      """
      {"id":"receipt","channel":"email","locales":{"en":{"subject":"Your order","text":"Thanks"}}}
      """;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void oneClickUnsubscribeClicksOpensAndThePreferenceCentre(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      Http.Response p =
          f.http.put("/v1/definitions/policies", f.admin, "application/yaml", POLICIES);
      assertThat(p.status()).as(p.body()).isEqualTo(201);
      f.template(PROMO_TEMPLATE);
      f.template(RECEIPT_TEMPLATE);
      f.journey(PROMO);
      f.journey(RECEIPT);
      f.send(
          "{\"type\":\"identify\",\"userId\":\"ana\",\"traits\":{\"email\":\"ana@example.com\","
              + "\"first_name\":\"Ana\"}}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Sale Started\"}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Order Completed\"}");
      f.delivered(2);
      MimeMessage promo = mail("Sale");
      MimeMessage receipt = mail("Your order");

      // Marketing: List-Unsubscribe with the https one-click URL and the mailto form.
      String list = promo.getHeader("List-Unsubscribe", null);
      assertThat(list).isNotNull();
      Matcher https = Pattern.compile("<(https://kairos\\.test/u/[A-Za-z0-9_-]+)>").matcher(list);
      assertThat(https.find()).as(list).isTrue();
      assertThat(list).contains("<mailto:unsubscribe@shop.example?subject=unsubscribe%20");
      assertThat(promo.getHeader("List-Unsubscribe-Post", null))
          .isEqualTo("List-Unsubscribe=One-Click");
      // Transactional: none.
      assertThat(receipt.getHeader("List-Unsubscribe")).isNull();
      assertThat(receipt.getHeader("List-Unsubscribe-Post")).isNull();

      String html = html(promo);
      List<String> hrefs = hrefs(html);
      String click = hrefs.stream().filter(h -> h.contains("/t/c/")).findFirst().orElseThrow();
      assertThat(hrefs).contains("mailto:help@shop.example").hasSize(5);
      // Our own links are not wrapped in click redirects.
      String unsubscribe =
          hrefs.stream().filter(h -> h.startsWith(PUBLIC + "/u/")).findFirst().orElseThrow();
      String preferences =
          hrefs.stream().filter(h -> h.startsWith(PUBLIC + "/p/")).findFirst().orElseThrow();
      String view =
          hrefs.stream().filter(h -> h.startsWith(PUBLIC + "/v/")).findFirst().orElseThrow();
      assertThat(unsubscribe).isEqualTo(https.group(1));
      Matcher pixel =
          Pattern.compile("<img src=\"(https://kairos\\.test/t/o/[^\"]+)\"").matcher(html);
      assertThat(pixel.find()).isTrue();
      assertThat(html).contains("<p>Hi Ana</p>").contains("</A> <a href=\"mailto:");

      f.clock.advance(Duration.ofMinutes(5));

      // A click: 302 to the URL that was in the message, entities decoded.
      assertThat(location(f, click, SAFARI)).isEqualTo("302 https://shop.example/sale?a=1&b=2");
      // A token changed by one character: 404, never a redirect.
      String token = click.substring(click.lastIndexOf('/') + 1);
      char swap = token.charAt(10) == 'A' ? 'B' : 'A';
      String tampered =
          click.substring(0, click.lastIndexOf('/') + 1)
              + token.substring(0, 10)
              + swap
              + token.substring(11);
      assertThat(location(f, tampered, SAFARI)).isEqualTo("404 null");
      // A click token is not an unsubscribe token.
      Http.Response wrongPurpose = get(f, PUBLIC + "/u/" + token, SAFARI);
      assertThat(wrongPurpose.status()).isEqualTo(404);
      assertThat(wrongPurpose.contentType()).startsWith("text/html");
      assertThat(wrongPurpose.body()).contains("This link is not valid");

      // The pixel, by a person and by Apple's privacy proxy.
      Http.Response human = get(f, pixel.group(1), SAFARI);
      assertThat(human.status()).isEqualTo(200);
      assertThat(human.contentType()).isEqualTo("image/gif");
      Http.Response apple = get(f, pixel.group(1), "Mozilla/5.0");
      assertThat(apple.status()).isEqualTo(200);

      // GET /u shows a page with a form, and never unsubscribes.
      Http.Response page = get(f, unsubscribe, SAFARI);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.contentType()).startsWith("text/html");
      assertThat(page.body())
          .contains("<form method=\"post\">")
          .contains("Offers &amp; promotions (email)")
          .doesNotContain("<script");
      f.idle();
      assertThat(consent(f)).isEmpty();

      // The preference centre shows the topics, checked.
      Http.Response prefs = get(f, preferences, SAFARI);
      assertThat(prefs.status()).isEqualTo(200);
      assertThat(prefs.body())
          .contains("name=\"t.email.promotions\" value=\"1\" checked> Offers &amp; promotions")
          .contains("Sales &lt;weekly&gt;")
          .contains("name=\"t.push.stock-alerts\"")
          .doesNotContain("t.sms.stock-alerts");

      // View in browser: the email again.
      Http.Response v = get(f, view, SAFARI);
      assertThat(v.status()).isEqualTo(200);
      assertThat(v.body()).contains("<p>Hi Ana</p>");

      // One-click, as Gmail posts it: unsubscribed at once; a repeat records nothing more.
      Http.Response one = oneClick(f, unsubscribe);
      assertThat(one.status()).as(one.body()).isEqualTo(200);
      f.idle();
      assertThat(oneClick(f, unsubscribe).status()).isEqualTo(200);
      f.idle();
      assertThat(consent(f))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.path("channel").asText()).isEqualTo("email");
                assertThat(e.path("topic").asText()).isEqualTo("promotions");
                assertThat(e.path("subscribed").asBoolean()).isFalse();
              });

      List<JsonNode> events = events(f, "ana");
      List<JsonNode> unsubscribed = named(events, "Unsubscribed");
      assertThat(unsubscribed).hasSize(1);
      assertThat(unsubscribed.get(0).path("properties").path("source").asText())
          .isEqualTo("one_click");
      assertThat(unsubscribed.get(0).path("properties").path("journey").asText())
          .isEqualTo("promo");
      List<JsonNode> clicks = named(events, "Email Link Clicked");
      assertThat(clicks).hasSize(1);
      assertThat(clicks.get(0).path("properties").path("url").asText())
          .isEqualTo("https://shop.example/sale?a=1&b=2");
      assertThat(clicks.get(0).path("properties").path("machine").asBoolean()).isFalse();
      assertThat(clicks.get(0).path("properties").path("template").asText()).isEqualTo("promo");
      List<JsonNode> opens = named(events, "Email Opened");
      assertThat(opens).hasSize(2);
      assertThat(opens.stream().map(o -> o.path("properties").path("machine").asBoolean()))
          .containsExactlyInAnyOrder(true, false);
      assertThat(
              opens.stream()
                  .map(o -> o.path("properties").path("machine_reason").asText(""))
                  .toList())
          .contains("apple_mail_privacy_protection");

      // The next promotion is skipped: ana said no to promotions by email.
      f.send("{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Sale Started\"}");
      f.idle();
      assertThat(smtp.getReceivedMessages()).hasSize(2);
      assertThat(
              f.timeline("ana").stream()
                  .filter(e -> e.toString().contains("unsubscribed from topic 'promotions'")))
          .isNotEmpty();

      // The preference centre shows it, and takes it back.
      assertThat(get(f, preferences, SAFARI).body())
          .contains("name=\"t.email.promotions\" value=\"1\"> Offers");
      Http.Response saved =
          form(
              f,
              preferences,
              "save=1&c.email=1&t.email.promotions=1&t.email.stock-alerts=1&c.push=1"
                  + "&t.push.promotions=1&c.sms=1&t.sms.promotions=1");
      assertThat(saved.status()).as(saved.body()).isEqualTo(200);
      assertThat(saved.body())
          .contains("Your preferences are saved")
          .contains("name=\"t.email.promotions\" value=\"1\" checked>");
      f.idle();
      // stock-alerts on push was left unchecked: that is the only other change.
      assertThat(named(events(f, "ana"), "Subscribed")).hasSize(1);
      assertThat(named(events(f, "ana"), "Unsubscribed")).hasSize(2);
      f.send("{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Sale Started\"}");
      f.delivered(3);
      assertThat(smtp.getReceivedMessages()).hasSize(3);

      // Not the preference centre's form: 400, nothing changed.
      Http.Response noSave = form(f, preferences, "c.email=1");
      assertThat(noSave.status()).isEqualTo(400);
      assertThat(noSave.contentType()).startsWith("application/problem+json");

      // The page's own form: unsubscribed, with a link to the preference centre.
      Http.Response confirm = form(f, unsubscribe, "");
      assertThat(confirm.status()).isEqualTo(200);
      assertThat(confirm.body()).contains("You are unsubscribed").contains(PUBLIC + "/p/");
      f.idle();
      assertThat(named(events(f, "ana"), "Unsubscribed")).hasSize(3);

      // A preview's links act on nobody, even when rendered for a stored customer.
      Http.Response preview =
          f.http.postJson("/v1/templates/promo/preview", f.admin, "{\"profile\":\"ana\"}");
      assertThat(preview.status()).as(preview.body()).isEqualTo(200);
      String previewUnsubscribe =
          hrefs(preview.json().path("fields").path("html").asText()).stream()
              .filter(h -> h.startsWith(PUBLIC + "/u/"))
              .findFirst()
              .orElseThrow();
      // Subscribed to promotions by email again, so that an unsubscribe would show.
      assertThat(
              form(
                      f,
                      preferences,
                      "save=1&c.email=1&t.email.promotions=1&t.email.stock-alerts=1&c.push=1"
                          + "&t.push.promotions=1&c.sms=1&t.sms.promotions=1")
                  .status())
          .isEqualTo(200);
      f.idle();
      assertThat(named(events(f, "ana"), "Subscribed")).hasSize(2);
      assertThat(oneClick(f, previewUnsubscribe).status()).isEqualTo(200);
      f.idle();
      assertThat(named(events(f, "ana"), "Unsubscribed")).hasSize(3);
      assertThat(
              consent(f).stream()
                  .filter(
                      e ->
                          e.path("channel").asText().equals("email")
                              && e.path("topic").asText().equals("promotions")))
          .singleElement()
          .satisfies(e -> assertThat(e.path("subscribed").asBoolean()).isTrue());
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anErasedProfileGetsNeutralAnswersAndNothingIsRecorded(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      f.template(PROMO_TEMPLATE);
      f.journey(PROMO);
      f.send(
          "{\"type\":\"identify\",\"userId\":\"bo\",\"traits\":{\"email\":\"bo@example.com\"}}",
          "{\"type\":\"track\",\"userId\":\"bo\",\"event\":\"Sale Started\"}");
      f.delivered(1);
      MimeMessage promo = mail("Sale");
      String html = html(promo);
      List<String> hrefs = hrefs(html);
      String unsubscribe =
          hrefs.stream().filter(h -> h.startsWith(PUBLIC + "/u/")).findFirst().orElseThrow();
      String view =
          hrefs.stream().filter(h -> h.startsWith(PUBLIC + "/v/")).findFirst().orElseThrow();
      String click = hrefs.stream().filter(h -> h.contains("/t/c/")).findFirst().orElseThrow();
      Http.Response erase = f.http.delete("/v1/profiles/bo", f.admin);
      assertThat(erase.status()).as(erase.body()).isIn(200, 202, 204);
      f.idle();
      long before = eventCount(f);
      assertThat(oneClick(f, unsubscribe).status()).isEqualTo(200);
      assertThat(get(f, unsubscribe, SAFARI).body()).contains("no longer active");
      assertThat(get(f, view, SAFARI).status()).isEqualTo(404);
      assertThat(location(f, click, SAFARI)).isEqualTo("302 https://shop.example/sale?a=1&b=2");
      f.idle();
      assertThat(eventCount(f)).isEqualTo(before);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private MimeMessage mail(String subject) throws Exception {
    for (MimeMessage m : smtp.getReceivedMessages()) {
      if (subject.equals(m.getSubject())) {
        return m;
      }
    }
    throw new AssertionError("no mail with subject " + subject);
  }

  private static String html(MimeMessage m) {
    String raw = GreenMailUtil.getWholeMessage(m);
    // The HTML part, decoded: find it in the MIME structure.
    try {
      return htmlPart(m.getContent());
    } catch (Exception e) {
      throw new AssertionError(raw, e);
    }
  }

  private static String htmlPart(Object content) throws Exception {
    if (content instanceof jakarta.mail.Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        jakarta.mail.BodyPart part = mp.getBodyPart(i);
        if (part.isMimeType("text/html")) {
          return part.getContent().toString();
        }
        if (part.getContent() instanceof jakarta.mail.Multipart) {
          String h = htmlPart(part.getContent());
          if (h != null) {
            return h;
          }
        }
      }
      return null;
    }
    return content.toString();
  }

  private static List<String> hrefs(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?i)href=[\"']([^\"']+)[\"']").matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The URL as reached through the proxy that serves {@link #PUBLIC}: this server, over HTTP. */
  private static String local(DeliveryFixture f, String url) {
    return url.replace(PUBLIC, "");
  }

  private static Http.Response get(DeliveryFixture f, String url, String userAgent) {
    return f.http.send(
        f.http.builder(local(f, url), null).header("User-Agent", userAgent).GET().build());
  }

  /** The status and Location of a GET, without following it. */
  private static String location(DeliveryFixture f, String url, String userAgent) {
    try {
      java.net.http.HttpResponse<Void> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + f.server.port() + local(f, url)))
                      .header("User-Agent", userAgent)
                      .GET()
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding());
      return r.statusCode() + " " + r.headers().firstValue("Location").orElse(null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Http.Response oneClick(DeliveryFixture f, String url) {
    return form(f, url, "List-Unsubscribe=One-Click");
  }

  private static Http.Response form(DeliveryFixture f, String url, String body) {
    return f.http.post(
        local(f, url),
        null,
        "application/x-www-form-urlencoded",
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static List<JsonNode> consent(DeliveryFixture f) {
    Http.Response r = f.http.get("/v1/profiles/ana", f.admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().path("consent").forEach(out::add);
    return out;
  }

  private static List<JsonNode> events(DeliveryFixture f, String user) {
    return f.timeline(user).stream().filter(e -> e.path("kind").asText().equals("event")).toList();
  }

  private static List<JsonNode> named(List<JsonNode> events, String name) {
    return events.stream().filter(e -> e.path("name").asText().equals(name)).toList();
  }

  private static long eventCount(DeliveryFixture f) {
    assertThat(f.server.ingestion().eventLog().awaitStored(java.time.Duration.ofSeconds(30)))
        .isNotNegative();
    return f.server
        .database()
        .read(
            c -> {
              try (var ps = c.prepareStatement("SELECT COUNT(*) FROM events");
                  var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
