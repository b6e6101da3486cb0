package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.channel.webhook.WebhookSignature;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenarios S3, S4, S18, S19 and S20 end to end through the server, with the example journeys and
 * example templates as they ship: a server seeded from examples/journeys and examples/templates,
 * the scenario's example timeline sent over HTTP ({@code /v1/track}, {@code /v1/identify}, {@code
 * /v1/page}) at its own times on the virtual clock, messages out to real protocol peers, and the
 * timeline API showing each decision with its reason. On SQLite and PostgreSQL.
 */
class ExampleScenariosTest {
  private static final Path JOURNEYS = Path.of("../examples/journeys");
  private static final Path TEMPLATES = Path.of("../examples/templates");
  private static final Path TIMELINES = Path.of("../examples/timelines");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Peers peers;

  @BeforeEach
  void peers() throws Exception {
    peers = new Peers(dir);
  }

  @AfterEach
  void stopPeers() {
    peers.close();
  }

  /** A server seeded with the examples, its channels pointed at the peers, its clock at start. */
  private DeliveryFixture fixture(StoreKind kind, String start) {
    current =
        new DeliveryFixture(
            kind,
            dir,
            Instant.parse(start),
            c -> {
              c.set("journeys.dir", JOURNEYS.toString())
                  .set("templates.dir", TEMPLATES.toString())
                  .set("delivery.retry_base", "1m");
              peers.configure(c);
            });
    return current;
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Sends the lines of an example timeline, each at its own time: the clock is moved to the event's
   * timestamp (firing every timer and sending every message due on the way), and the event goes in
   * through its endpoint.
   */
  private void replay(DeliveryFixture f, String file, Consumer<String> instead) throws Exception {
    for (String line : Files.readAllLines(TIMELINES.resolve(file))) {
      if (line.isBlank()) {
        continue;
      }
      if (line.contains("\"event\":\"Email Opened\"")) {
        instead.accept(line);
      } else {
        send(f, line);
      }
    }
  }

  private void replay(DeliveryFixture f, String file) throws Exception {
    replay(
        f,
        file,
        line -> {
          throw new AssertionError("no Email Opened expected in " + file);
        });
  }

  /** One call, as a Segment library sends it, at its timestamp (the clock moves there first). */
  private static void send(DeliveryFixture f, String json) {
    ObjectNode call;
    try {
      call = (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
    if (call.hasNonNull("timestamp")) {
      moveTo(f, Instant.parse(call.get("timestamp").asText()));
    }
    String type = call.path("type").asText();
    Http.Response r = f.http.postJson("/v1/" + type, f.write, call.toString());
    assertThat(r.status()).as(json + " -> " + r.body()).isEqualTo(200);
    settle(f);
  }

  /**
   * Moves the clock forward to {@code t} (never back) a quarter of an hour at a time, as the wall
   * clock would pass: at each step the timers due fire and the messages due go out, so a wait of a
   * day ends at its hour and a message deferred to 08:00 is sent at 08:00.
   */
  private static void moveTo(DeliveryFixture f, Instant t) {
    while (f.clock.instant().isBefore(t)) {
      long now = f.clock.millis();
      long next = (now / STEP.toMillis() + 1) * STEP.toMillis();
      f.clock.set(Instant.ofEpochMilli(Math.min(next, t.toEpochMilli())));
      settle(f);
    }
  }

  private static final Duration STEP = Duration.ofMinutes(15);

  /**
   * Waits until the runtime applied everything and the dispatcher recorded an outcome for every
   * message due now (and the runtime applied those outcomes): a condition, not a time.
   */
  private static void settle(DeliveryFixture f) {
    while (true) {
      f.idle();
      long recorded = f.server.dispatcher().recorded();
      if (dueNow(f) == 0) {
        return;
      }
      f.server.dispatcher().wake();
      assertThat(f.server.dispatcher().awaitRecorded(recorded + 1, DeliveryFixture.WAIT))
          .as("an outcome recorded for a message due at %s", f.clock.instant())
          .isTrue();
    }
  }

  /** Messages due now that have no outcome yet. */
  private static long dueNow(DeliveryFixture f) {
    long now = f.clock.millis();
    return f.server
        .database()
        .read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')"
                          + " AND due <= ?")) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getLong(1);
                }
              }
            });
  }

  /**
   * Points the WhatsApp relay webhook of the examples at the test's receiver: the one change a
   * workspace makes to that template (its {@code url}), saved through the API.
   */
  private void relayToPeer(DeliveryFixture f) {
    Http.Response r = f.http.get("/v1/templates/back-in-stock-whatsapp", f.admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    ObjectNode t = (ObjectNode) r.json();
    ObjectNode en = (ObjectNode) t.path("locales").path("en");
    assertThat(en.path("url").asText()).isEqualTo("https://hooks.shop.example/whatsapp/messages");
    en.put("url", peers.baseUrl() + "/hooks/whatsapp/messages");
    Http.Response put =
        f.http.put(
            "/v1/templates/back-in-stock-whatsapp", f.admin, "application/json", t.toString());
    assertThat(put.status()).as(put.body()).isEqualTo(200);
  }

  /** Adds an email address (the example timelines often have none) before the timeline starts. */
  private static void email(DeliveryFixture f, String... users) {
    for (String u : users) {
      send(
          f,
          "{\"type\":\"identify\",\"userId\":\""
              + u
              + "\",\"traits\":{\"email\":\""
              + u
              + "@example.com\"}}");
    }
  }

  /** The decisions of a journey for a user: "summary | reason", oldest first. */
  private static List<String> decisions(DeliveryFixture f, String user, String journey) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : f.timeline(user)) {
      if (journey.equals(e.path("journey").asText()) && !e.path("kind").asText().equals("event")) {
        out.add(
            0,
            e.path("at").asText()
                + " "
                + e.path("summary").asText()
                + " | "
                + e.path("reason").asText());
      }
    }
    return out;
  }

  /** When the outcome {@code name} (Message Sent, ...) of a template was recorded for a user. */
  private static List<String> outcomes(DeliveryFixture f, String user, String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : f.timeline(user)) {
      if (e.path("kind").asText().equals("event") && e.path("name").asText().equals(name)) {
        JsonNode p = e.path("properties");
        out.add(
            0,
            e.path("at").asText()
                + " "
                + p.path("channel").asText()
                + " "
                + p.path("template").asText());
      }
    }
    return out;
  }

  /** The emails a recipient received, by subject. */
  private List<MimeMessage> mailsTo(String address) throws Exception {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : peers.mails()) {
      if (m.getAllRecipients()[0].toString().equals(address)) {
        out.add(m);
      }
    }
    return out;
  }

  private static List<String> subjects(List<MimeMessage> mails) throws Exception {
    List<String> out = new ArrayList<>();
    for (MimeMessage m : mails) {
      out.add(m.getSubject());
    }
    return out;
  }

  /** The server of the running test: click links are read with its link key. */
  private DeliveryFixture current;

  private static final java.util.regex.Pattern CLICK =
      java.util.regex.Pattern.compile("href=\"(http[^\"]*/t/c/([^\"]+))\"");

  /**
   * The HTML part of an email as its author wrote it: every click-tracking link is read back, with
   * the server's link key, to the URL it redirects to (without following it, which would record a
   * click). A link that does not verify fails the test.
   */
  private String html(MimeMessage m) throws Exception {
    String html = part(m.getContent(), "text/html");
    io.kairos.server.engagement.LinkSigner signer =
        new io.kairos.server.engagement.LinkSigner(linkSecret());
    java.util.regex.Matcher click = CLICK.matcher(html);
    StringBuilder out = new StringBuilder();
    while (click.find()) {
      String target =
          signer
              .verify(click.group(2))
              .orElseThrow(() -> new AssertionError("a click link that does not verify"))
              .url();
      click.appendReplacement(
          out,
          java.util.regex.Matcher.quoteReplacement(
              "href=\"" + target.replace("&", "&amp;").replace("\"", "&quot;") + "\""));
    }
    click.appendTail(out);
    return out.toString();
  }

  private String linkSecret() {
    return current
        .server
        .database()
        .read(
            c -> {
              try (java.sql.PreparedStatement ps =
                      c.prepareStatement("SELECT value FROM settings WHERE key = 'link_secret'");
                  java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
              }
            });
  }

  private static String part(Object content, String type) throws Exception {
    if (content instanceof MimeMultipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        BodyPart b = mp.getBodyPart(i);
        if (b.getContentType().toLowerCase(Locale.ROOT).startsWith(type)) {
          return b.getContent().toString();
        }
        String inner = part(b.getContent(), type);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /** Every message the journeys decided has been sent, and nothing else is waiting. */
  private static void allSent(DeliveryFixture f, int n) {
    List<List<String>> outbox = f.outbox();
    assertThat(outbox).as(outbox.toString()).hasSize(n);
    assertThat(outbox)
        .as(outbox.toString())
        .allSatisfy(r -> assertThat(r.get(2)).isEqualTo("sent"));
  }

  // ------------------------------------------------------------------ S3

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void s03AbandonedCartRemindsWithTheCartDiscountAndSurveyAndFollowsTheAnswer(StoreKind kind)
      throws Exception {
    try (DeliveryFixture f = fixture(kind, "2026-03-02T09:59:00Z")) {
      email(f, "eve", "finn", "gus");
      replay(f, "s03-abandoned-cart.jsonl");
      moveTo(f, Instant.parse("2026-03-06T12:00:00Z"));

      // Eve's cart of 399 waited an hour without an order: the reminder with 10% off.
      List<MimeMessage> eve = mailsTo("eve@example.com");
      assertThat(subjects(eve))
          .containsExactly(
              "Your cart is waiting, and it is now 10% cheaper",
              "Order o-2 is confirmed",
              "Shipping is on us, friend",
              "A thank-you: 10% off your next order");
      String reminder = html(eve.get(0));
      assertThat(reminder)
          .contains("Samsung 43&quot; TV")
          .contains("$399.00")
          .contains("CART10")
          .contains("/survey/abandoned-cart?answer=shipping-cost&amp;user=eve")
          .contains("/survey/abandoned-cart?answer=buy-later&amp;user=eve");
      assertThat(decisions(f, "eve", "abandoned-cart"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith("2026-03-02T11:00:00Z branch to reminder-with-discount")
                      .contains("event.properties.cart_total = 399.0"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith("2026-03-02T13:00:00Z branch to free-shipping")
                      .contains("event.properties.answer == \"shipping cost\" was true"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith(
                          "2026-03-02T13:00:00Z defer email free-shipping-code until"
                              + " 2026-03-03T11:00:00Z")
                      .contains("held by min_gap 24h"));
      // The survey's answer was followed, after the gap: free shipping, sent the next morning.
      assertThat(outcomes(f, "eve", "Message Sent"))
          .contains("2026-03-02T11:00:00Z email cart-reminder-discount-with-survey")
          .contains("2026-03-03T11:00:00Z email free-shipping-code");

      // Finn's cart of 9.50: the reminder without a discount, with the survey; no answer.
      List<MimeMessage> finn = mailsTo("finn@example.com");
      assertThat(subjects(finn)).containsExactly("Hi, you left something in your cart");
      assertThat(html(finn.get(0))).contains("Socks").contains("$9.50").doesNotContain("CART10");
      assertThat(decisions(f, "finn", "abandoned-cart"))
          .anySatisfy(d -> assertThat(d).contains("timed out | no 'Survey Answered' within 2d"));

      // Gus ordered within the hour: no reminder, only his order's emails.
      assertThat(subjects(mailsTo("gus@example.com")))
          .containsExactlyInAnyOrder(
              "Order o-1 is confirmed", "A thank-you: 10% off your next order");
      assertThat(decisions(f, "gus", "abandoned-cart"))
          .anySatisfy(d -> assertThat(d).contains("exit exit_on | event 'Order Completed'"));
      allSent(f, 7);
    }
  }

  // ------------------------------------------------------------------ S4

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void s04OrderConfirmationGoesAtOnceEvenAtNightAndShippingBringsTheTrackingLink(StoreKind kind)
      throws Exception {
    try (DeliveryFixture f = fixture(kind, "2026-03-02T11:59:00Z")) {
      email(f, "piet");
      replay(f, "s04-order-updates.jsonl");
      moveTo(f, Instant.parse("2026-03-06T12:00:00Z"));

      // Olga had a promotion at 17:00 and ordered at 22:30 UTC, 23:30 in Berlin: quiet hours and
      // within the 24h gap. The confirmation went at once; the discount waited.
      List<MimeMessage> olga = mailsTo("olga@example.com");
      assertThat(subjects(olga))
          .containsExactly(
              "Price drop: now $59.00",
              "Order o-21 is confirmed: arriving Wednesday, March 4",
              "Order o-21 is on its way",
              "A thank-you: 10% off your next order");
      assertThat(outcomes(f, "olga", "Message Sent"))
          .contains("2026-03-02T22:30:00Z email order-confirmation-with-delivery-date")
          .contains("2026-03-03T09:00:00Z email shipping-update-with-tracking-link")
          .contains("2026-03-03T17:00:00Z email next-purchase-discount")
          .contains("2026-03-04T12:00:00Z push order-delivered");
      assertThat(decisions(f, "olga", "order-confirmation"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith(
                          "2026-03-02T22:30:00Z send email order-confirmation-with-delivery-date"
                              + " | step step-1: transactional email"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith(
                          "2026-03-02T22:30:00Z defer email next-purchase-discount until"
                              + " 2026-03-03T17:00:00Z")
                      .contains("held by quiet hours 21:00-08:00 for email in Europe/Berlin")
                      .contains("min_gap 24h after the marketing message at 2026-03-02T17:00:00Z"));
      String confirmation = html(olga.get(1));
      assertThat(confirmation)
          .contains("<strong>o-21</strong>")
          .contains("$59.00")
          .contains("Wednesday, March 4, 2026");
      // A transactional email has no unsubscribe link, and says why it comes anyway.
      assertThat(confirmation).contains("This is a service email");
      assertThat(html(olga.get(2)))
          .contains("href=\"https://track.example.com/o-21\"")
          .contains("Track your parcel");
      // Delivered: a push to her phone through FCM.
      assertThat(peers.pushes)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.token()).isEqualTo("fcm:olga-pixel");
                assertThat(p.title()).isEqualTo("Your order has arrived 📦");
                assertThat(p.body()).contains("Order o-21 was delivered");
                assertThat(p.link()).isEqualTo("https://shop.example/orders/o-21");
              });

      // Piet: both emails at noon; his delivery push skipped, as he has no app.
      assertThat(subjects(mailsTo("piet@example.com")))
          .containsExactlyInAnyOrder(
              "Order o-20 is confirmed: arriving Thursday, March 5",
              "A thank-you: 10% off your next order");
      assertThat(decisions(f, "piet", "order-delivered"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .contains("skip push order-delivered (no_address)")
                      .contains("the profile has no 'push_token' trait"));
      allSent(f, 7);
    }
  }

  // ------------------------------------------------------------------ S18

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void s18OpenersGetTheAgendaNonOpenersAnSmsOrAResend(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind, "2026-03-02T08:59:00Z")) {
      // Xena's open is a real fetch of the invitation's open pixel (not a track call).
      replay(f, "s18-engagement.jsonl", line -> emailOpened(f, line));
      moveTo(f, Instant.parse("2026-03-06T12:00:00Z"));

      List<MimeMessage> xena = mailsTo("xena@example.com");
      assertThat(subjects(xena))
          .containsExactly(
              "You are registered: your link for Journeys 101", "The agenda: what we will cover");
      assertThat(html(xena.get(0))).contains("/webinars/journeys-101?user=xena");
      assertThat(decisions(f, "xena", "webinar-engagement"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith("2026-03-03T08:00:00Z event arrived")
                      .contains("event.properties.template == \"webinar-invitation\"")
                      .contains("event.properties.machine != true")
                      .contains("was true"));
      assertThat(outcomes(f, "xena", "Message Sent"))
          .contains("2026-03-03T09:00:00Z email webinar-agenda");

      // Yuri did not open within 3 days and has a phone: a text message.
      assertThat(subjects(mailsTo("yuri@example.com")))
          .containsExactly("You are registered: your link for Journeys 101");
      assertThat(peers.sms)
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.to()).isEqualTo("+4915112345678");
                assertThat(m.body()).contains("your Northwind webinar seat is saved");
              });
      assertThat(decisions(f, "yuri", "webinar-engagement"))
          .anySatisfy(d -> assertThat(d).contains("timed out | no 'Email Opened' within 3d"))
          .anySatisfy(
              d -> assertThat(d).contains("branch to sms | case 1 held: has(profile.phone)"));

      // Zoe did not open and has no phone: the invitation again, under another subject.
      assertThat(subjects(mailsTo("zoe@example.com")))
          .containsExactly(
              "You are registered: your link for Journeys 101",
              "Hi, did you get your webinar link?");
      allSent(f, 6);
    }
  }

  /**
   * The customer opens the email the timeline's {@code Email Opened} speaks of, in a mail client:
   * at the line's time, the open pixel in the HTML of the invitation they received is fetched, as a
   * desktop mail client fetches images, and the server records the open with the message's template
   * (what the journey waits for). The line's own properties are not sent: the pixel's are used.
   */
  private void emailOpened(DeliveryFixture f, String line) {
    try {
      JsonNode call = JSON.readTree(line);
      moveTo(f, Instant.parse(call.get("timestamp").asText()));
      String template = call.path("properties").path("template").asText();
      MimeMessage opened = null;
      for (MimeMessage m : mailsTo(call.get("userId").asText() + "@example.com")) {
        if (m.getHeader("Message-ID", null) != null && html(m).contains("/t/o/")) {
          opened = m;
        }
      }
      assertThat(opened).as("an email with an open pixel to " + call.get("userId")).isNotNull();
      java.util.regex.Matcher pixel =
          java.util.regex.Pattern.compile("src=\"(http[^\"]*/t/o/[^\"]+)\"").matcher(html(opened));
      assertThat(pixel.find()).isTrue();
      java.net.http.HttpResponse<byte[]> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(pixel.group(1)))
                      .header(
                          "User-Agent",
                          "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101"
                              + " Thunderbird/128.5.0")
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("image/gif");
      settle(f);
      assertThat(template).isEqualTo("webinar-invitation");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ S19

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void s19MultichannelReachesEveryChannelRespectingEachConsent(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind, "2026-03-02T08:59:00Z")) {
      relayToPeer(f);
      replay(f, "s19-multichannel.jsonl");
      moveTo(f, Instant.parse("2026-03-06T12:00:00Z"));

      // Email: Sol and Tom; Uli unsubscribed from stock alerts by email.
      assertThat(subjects(mailsTo("sol@example.com")))
          .containsExactly("It is back: the item you were watching");
      assertThat(subjects(mailsTo("tom@example.com")))
          .containsExactly("It is back: the item you were watching");
      assertThat(mailsTo("uli@example.com")).isEmpty();
      assertThat(decisions(f, "uli", "back-in-stock"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .contains("skip email back-in-stock (unsubscribed)")
                      .contains("unsubscribed from topic 'stock-alerts' on email"));
      // SMS: only Uli; Sol unsubscribed from SMS, Tom has no phone.
      assertThat(peers.sms)
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.to()).isEqualTo("+819012345678");
                assertThat(m.body()).contains("is back in stock").contains("Reply STOP");
              });
      assertThat(decisions(f, "sol", "back-in-stock"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .contains("skip sms back-in-stock-sms (unsubscribed)")
                      .contains("unsubscribed from sms"));
      assertThat(decisions(f, "tom", "back-in-stock"))
          .anySatisfy(d -> assertThat(d).contains("skip sms back-in-stock-sms (no_address)"))
          .anySatisfy(d -> assertThat(d).contains("skip push back-in-stock-push (no_address)"));
      // Push: Sol and Uli, through FCM.
      assertThat(peers.pushes)
          .extracting(Peers.Push::token)
          .containsExactlyInAnyOrder("apns:sol-iphone", "fcm:uli-android");
      assertThat(peers.pushes)
          .allSatisfy(
              p -> {
                assertThat(p.title()).isEqualTo("Back in stock!");
                assertThat(p.link()).isEqualTo("https://shop.example/p/bike-1");
              });
      // Webhook: all three, signed, the message id as webhook-id, a JSON body for the relay.
      List<List<String>> outbox = f.outbox();
      assertThat(peers.hooks).hasSize(3);
      for (Peers.Hook h : peers.hooks) {
        assertThat(h.path()).isEqualTo("/hooks/whatsapp/messages");
        assertThat(
                WebhookSignature.verify(
                    Peers.WEBHOOK_SECRET,
                    h.id(),
                    h.timestamp(),
                    h.body(),
                    h.signature(),
                    f.clock.instant(),
                    Duration.ofDays(7)))
            .isInstanceOf(WebhookSignature.Verdict.Valid.class);
        assertThat(outbox.stream().map(r -> r.get(0))).contains(h.id());
        JsonNode body = JSON.readTree(h.body());
        assertThat(body.path("template").asText()).isEqualTo("back_in_stock");
        assertThat(body.path("parameters").path("product_id").asText()).isEqualTo("bike-1");
        assertThat(body.path("message_id").asText()).isEqualTo(h.id());
      }
      assertThat(peers.hooks.stream().map(h -> hookTo(h)))
          .containsExactlyInAnyOrder("+34600111222", "null", "+819012345678");
      // Each channel at its day, each decision in the timeline with its reason.
      assertThat(outcomes(f, "uli", "Message Sent"))
          .containsExactly(
              "2026-03-03T10:00:00Z sms back-in-stock-sms",
              "2026-03-04T10:00:00Z push back-in-stock-push",
              "2026-03-05T10:00:00Z webhook back-in-stock-whatsapp");
      allSent(f, 8);
    }
  }

  private static String hookTo(Peers.Hook h) {
    try {
      return JSON.readTree(h.body()).path("to").asText("null");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ S20

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void s20PacingDefersForGapCapAndQuietHoursAndNeverDropsForTheNight(StoreKind kind)
      throws Exception {
    try (DeliveryFixture f = fixture(kind, "2026-03-02T13:59:00Z")) {
      replay(f, "s20-pacing.jsonl");
      // Not further: a week after their last event the reactivation journey would write to them.
      moveTo(f, Instant.parse("2026-03-09T17:00:00Z"));

      // Paz: the welcome first; the promotion two hours later waits out the 24h gap.
      assertThat(decisions(f, "paz", "pacing-promo"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith(
                          "2026-03-02T16:00:00Z defer email price-drop until 2026-03-03T14:00:00Z")
                      .contains(
                          "held by min_gap 24h after the marketing message at"
                              + " 2026-03-02T14:00:00Z"))
          // The fourth promotion in a week is over the cap; waiting for it would pass its expiry.
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith("2026-03-06T15:00:00Z skip email price-drop (expired)")
                      .contains("held by cap 3 per 7d across channels reached"));
      assertThat(outcomes(f, "paz", "Message Sent"))
          .containsExactly(
              "2026-03-02T14:00:00Z email welcome-pacing",
              "2026-03-03T14:00:00Z email price-drop",
              "2026-03-04T20:00:00Z email price-drop",
              "2026-03-09T16:00:00Z email price-drop");
      assertThat(subjects(mailsTo("paz@example.com")))
          .containsExactly(
              "Welcome to Northwind, friend",
              "Price drop: now $79.00",
              "Price drop: now $19.00",
              "Price drop: now $15.00");

      // Quim, in Berlin, at 22:00 and 22:30 local time: both wait for the morning, never dropped;
      // the welcome at 08:00, the promotion a gap later.
      assertThat(decisions(f, "quim", "pacing-promo"))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .startsWith(
                          "2026-03-02T21:00:00Z defer email price-drop until 2026-03-03T07:00:00Z")
                      .contains("held by quiet hours 21:00-08:00 for email in Europe/Berlin"));
      assertThat(outcomes(f, "quim", "Message Sent"))
          .containsExactly(
              "2026-03-03T07:00:00Z email welcome-pacing", "2026-03-04T07:00:00Z email price-drop");
      assertThat(subjects(mailsTo("quim@example.com")))
          .containsExactly("Welcome to Northwind, friend", "Price drop: now $149.00");
      allSent(f, 6);
    }
  }
}
