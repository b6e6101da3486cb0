package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.kairos.channel.webhook.WebhookSignature;
import io.kairos.server.testing.StoreKind;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Events in over HTTP, messages out on real channels (a GreenMail SMTP server, a webhook receiver
 * on loopback), outcomes back in the timeline: on SQLite and PostgreSQL.
 */
class DeliveryTest {
  private static final String SECRET = WebhookSignature.newSecret();

  @TempDir Path dir;
  private GreenMail smtp;
  private HttpServer hooks;
  private final List<String[]> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger failFirst = new AtomicInteger();

  @BeforeEach
  void peers() throws IOException {
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.createContext(
        "/hook",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          calls.add(
              new String[] {
                ex.getRequestHeaders().getFirst("webhook-id"),
                ex.getRequestHeaders().getFirst("webhook-timestamp"),
                ex.getRequestHeaders().getFirst("webhook-signature"),
                body
              });
          int status = failFirst.getAndDecrement() > 0 ? 503 : 204;
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    hooks.start();
  }

  @AfterEach
  void stopPeers() {
    smtp.stop();
    hooks.stop(0);
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
                .set("channels.webhook.secret", SECRET)
                .set("channels.webhook.allow", "127.0.0.1")
                .set("delivery.retry_base", "1m"));
  }

  private static final String WELCOME =
      """
      id: welcome
      goal: g
      trigger: { event: Signed Up }
      steps:
        - send: email
          template: welcome
          category: transactional
        - webhook: http://127.0.0.1:%d/hook
          body:
            user: profile.user_id
            plan: event.properties.plan
      """;

  private static final String TEMPLATE =
      """
      {"id":"welcome","channel":"email","default_locale":"en","locales":{
        "en":{"subject":"Welcome, {{ profile.first_name }}","html":"<p>Your plan: {{ event.properties.plan }}</p>","text":"Your plan: {{ event.properties.plan }}"},
        "fa":{"subject":"خوش آمدید {{ profile.first_name }} 🎉","html":"<p>طرح شما: {{ event.properties.plan }}</p>"}}}
      """;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEmailAndAWebhookGoOutOnceAndTheTimelineShowsThem(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      f.template(TEMPLATE);
      f.journey(WELCOME.formatted(hooks.getAddress().getPort()));
      failFirst.set(1); // the webhook receiver answers 503 once
      f.send(
          "{\"type\":\"identify\",\"userId\":\"ana\",\"traits\":{\"email\":\"ana@example.com\","
              + "\"first_name\":\"Ana\"}}",
          "{\"type\":\"identify\",\"userId\":\"sara\",\"traits\":{\"email\":\"sara@example.com\","
              + "\"first_name\":\"سارا\",\"locale\":\"fa-IR\"}}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Signed Up\","
              + "\"properties\":{\"plan\":\"pro\"}}",
          "{\"type\":\"track\",\"userId\":\"sara\",\"event\":\"Signed Up\","
              + "\"properties\":{\"plan\":\"basic\"}}");
      // Two emails and two webhook calls, one of which is retried.
      f.delivered(4);
      f.clock.advance(Duration.ofMinutes(2));
      f.server.dispatcher().wake();
      f.delivered(5);

      MimeMessage[] mails = smtp.getReceivedMessages();
      assertThat(mails).hasSize(2);
      List<List<String>> outbox = f.outbox();
      assertThat(outbox).hasSize(4).allSatisfy(r -> assertThat(r.get(2)).isEqualTo("sent"));
      for (MimeMessage m : mails) {
        String to = m.getAllRecipients()[0].toString();
        String id = m.getMessageID();
        assertThat(outbox.stream().map(r -> "<" + r.get(0) + "@shop.example>")).contains(id);
        if (to.equals("ana@example.com")) {
          assertThat(m.getSubject()).isEqualTo("Welcome, Ana");
        } else {
          assertThat(m.getSubject()).isEqualTo("خوش آمدید سارا 🎉");
          assertThat(m.getContent().toString())
              .contains("<div dir=\"rtl\" lang=\"fa\">")
              .contains("طرح شما: basic");
        }
      }
      // The webhook: 503, then 204 for the same id, every call signed.
      assertThat(calls).hasSize(3);
      for (String[] c : calls) {
        assertThat(
                WebhookSignature.verify(
                    SECRET, c[0], c[1], c[3], c[2], f.clock.instant(), Duration.ofMinutes(5)))
            .isInstanceOf(WebhookSignature.Verdict.Valid.class);
      }
      assertThat(calls.stream().map(c -> c[0]).distinct()).hasSize(2);
      List<String> retried =
          outbox.stream().filter(r -> r.get(3).equals("2")).map(r -> r.get(0)).toList();
      assertThat(retried).hasSize(1);
      assertThat(calls.stream().filter(c -> c[0].equals(retried.get(0)))).hasSize(2);

      // The outcomes are events: the timeline shows the send and its report.
      List<String> names =
          f.timeline("ana").stream()
              .map(e -> e.path("name").asText(e.path("kind").asText()))
              .toList();
      assertThat(names).contains("Message Sent");

      // A restart sends nothing again.
      f.restart(c -> {});
      f.idle();
      assertThat(f.server.dispatcher().awaitRecorded(1, Duration.ofMillis(300))).isFalse();
      assertThat(smtp.getReceivedMessages()).hasSize(2);
      assertThat(calls).hasSize(3);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAttemptInFlightAtACrashIsRetriedWithTheSameMessageId(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      f.template(TEMPLATE);
      f.journey(WELCOME.formatted(hooks.getAddress().getPort()));
      f.send(
          "{\"type\":\"identify\",\"userId\":\"ana\",\"traits\":{\"email\":\"ana@example.com\","
              + "\"first_name\":\"Ana\"}}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Signed Up\"}");
      f.delivered(2);
      String id = smtp.getReceivedMessages()[0].getMessageID();
      // As if the process died after the claim: the row says an attempt was in flight.
      f.restart(c -> c.set("delivery.enabled", "false"));
      f.sql("UPDATE outbox SET status = 'sending' WHERE channel = 'email'");
      f.restart(c -> c.set("delivery.enabled", "true"));
      f.delivered(1);
      MimeMessage[] mails = smtp.getReceivedMessages();
      // At most one duplicate, under the same Message-ID, so the receiver can tell.
      assertThat(mails).hasSize(2);
      assertThat(mails[1].getMessageID()).isEqualTo(id);
      assertThat(
              f.outbox().stream().filter(r -> r.get(1).equals("email")).findFirst().orElseThrow())
          .containsSubsequence("sent", "2");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aProvidersRateLimitPacesItsMessagesByDeferringThem(StoreKind kind) throws Exception {
    try (DeliveryFixture f =
        new DeliveryFixture(
            kind,
            dir,
            c ->
                c.set("channels.webhook.secret", SECRET)
                    .set("channels.webhook.allow", "127.0.0.1")
                    .set("delivery.provider_rates", "webhook:127.0.0.1=2"))) {
      f.journey(
          """
          id: hook
          goal: g
          trigger: { event: Signed Up }
          steps:
            - webhook: http://127.0.0.1:%d/hook
              body:
                user: profile.user_id
          """
              .formatted(hooks.getAddress().getPort()));
      f.send(
          "{\"type\":\"track\",\"userId\":\"a\",\"event\":\"Signed Up\"}",
          "{\"type\":\"track\",\"userId\":\"b\",\"event\":\"Signed Up\"}",
          "{\"type\":\"track\",\"userId\":\"c\",\"event\":\"Signed Up\"}");
      // Two a second: the first goes now, the others get slots 500 ms apart and wait for them.
      f.delivered(3);
      assertThat(calls).hasSize(1);
      f.clock.advance(Duration.ofMillis(500));
      f.server.dispatcher().wake();
      f.delivered(4);
      assertThat(calls).hasSize(2);
      f.clock.advance(Duration.ofMillis(500));
      f.server.dispatcher().wake();
      f.delivered(5);
      assertThat(calls).hasSize(3);
      assertThat(f.outbox()).allSatisfy(r -> assertThat(r.get(2)).isEqualTo("sent"));
      long deferred =
          java.util.stream.Stream.of("a", "b", "c")
              .flatMap(u -> f.timeline(u).stream())
              .filter(e -> "Message Deferred".equals(e.path("name").asText()))
              .peek(
                  e ->
                      assertThat(e.toString())
                          .contains(
                              "the rate limit of webhook:127.0.0.1 (delivery.provider_rates)"))
              .count();
      assertThat(deferred).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStepsRecommendationsAreTheTemplatesRecommendations(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      f.template(
          """
          {"id":"picks","channel":"email","locales":{"en":{"subject":"Picked for you",
            "text":"{% for p in recommendations %}{{ p.name }} {{ p.price | money: 'EUR' }};{% endfor %} {{ journey.note }}"}}}
          """);
      f.journey(
          """
          id: picks
          goal: g
          trigger: { event: Viewed }
          steps:
            - send: email
              template: picks
              category: transactional
              data:
                recommendations: '[{"name": "Rain jacket", "price": 129.0}, {"name": "Socks", "price": 4.5}]'
                note: '"see you"'
          """);
      f.send(
          "{\"type\":\"identify\",\"userId\":\"ana\",\"traits\":{\"email\":\"ana@example.com\"}}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Viewed\"}");
      f.delivered(1);
      assertThat(smtp.getReceivedMessages()).hasSize(1);
      assertThat(smtp.getReceivedMessages()[0].getContent().toString().strip())
          .isEqualTo("Rain jacket €129.00;Socks €4.50; see you");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void whoUnsubscribedBeforeTheSendIsSkippedWithTheReason(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      f.template(TEMPLATE.replace("\"id\":\"welcome\"", "\"id\":\"promo\""));
      f.journey(
          """
          id: promo
          goal: g
          trigger: { event: Viewed }
          steps:
            - send: email
              template: promo
          """);
      f.restart(c -> c.set("delivery.enabled", "false"));
      f.send(
          "{\"type\":\"identify\",\"userId\":\"ana\",\"traits\":{\"email\":\"ana@example.com\"}}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Viewed\"}");
      f.idle();
      // Decided while she was subscribed; she unsubscribes before the dispatcher gets to it.
      f.send(
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Unsubscribed\","
              + "\"properties\":{\"channel\":\"email\"}}");
      f.idle();
      f.restart(c -> c.set("delivery.enabled", "true"));
      f.delivered(1);
      assertThat(smtp.getReceivedMessages()).isEmpty();
      assertThat(f.outbox())
          .singleElement()
          .satisfies(r -> assertThat(r.get(2)).isEqualTo("skipped"));
      JsonNode skipped =
          f.timeline("ana").stream()
              .filter(e -> "Message Skipped".equals(e.path("name").asText()))
              .findFirst()
              .orElseThrow();
      assertThat(skipped.toString()).contains("unsubscribed");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aPreviewShowsWhatACustomerGetsAndATestSendsIt(StoreKind kind) throws Exception {
    try (DeliveryFixture f = fixture(kind)) {
      f.template(TEMPLATE);
      f.template(
          "{\"id\":\"sms-hi\",\"channel\":\"sms\",\"locales\":{\"en\":{\"text\":\"Hi {{"
              + " profile.first_name }} 🎉 {{ profile.nickname }}\"}}}");
      f.send(
          "{\"type\":\"identify\",\"userId\":\"sara\",\"traits\":{\"email\":\"sara@example.com\","
              + "\"first_name\":\"سارا\",\"locale\":\"fa-IR\"}}");
      f.idle();
      var preview =
          f.http.postJson(
              "/v1/templates/welcome/preview",
              f.admin,
              "{\"profile\":\"sara\",\"event\":{\"name\":\"Signed Up\","
                  + "\"properties\":{\"plan\":\"pro\"}}}");
      assertThat(preview.status()).as(preview.body()).isEqualTo(200);
      assertThat(preview.json().path("locale").asText()).isEqualTo("fa");
      assertThat(preview.json().path("direction").asText()).isEqualTo("rtl");
      assertThat(preview.json().path("fields").path("subject").asText())
          .isEqualTo("خوش آمدید سارا 🎉");
      assertThat(preview.json().path("fields").path("html").asText()).contains("طرح شما: pro");

      var sms =
          f.http.postJson(
              "/v1/templates/sms-hi/preview", f.read(), "{\"traits\":{\"first_name\":\"Ana\"}}");
      assertThat(sms.status()).as(sms.body()).isEqualTo(200);
      assertThat(sms.json().path("fields").path("text").asText()).isEqualTo("Hi Ana 🎉 ");
      assertThat(sms.json().path("sms").path("encoding").asText()).isEqualTo("UCS-2");
      assertThat(sms.json().path("sms").path("segments").asInt()).isEqualTo(1);
      assertThat(sms.json().path("undefined").toString()).contains("profile.nickname");

      var bad = f.http.postJson("/v1/templates/welcome/preview", f.admin, "{\"profil\":\"x\"}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body()).contains("profil");
      assertThat(f.http.postJson("/v1/templates/nope/preview", f.admin, "{}").status())
          .isEqualTo(404);
      // A test send needs an admin key and an address, and goes out at once.
      assertThat(
              f.http
                  .postJson("/v1/templates/welcome/test", f.read(), "{\"to\":\"x@y.z\"}")
                  .status())
          .isEqualTo(403);
      assertThat(f.http.postJson("/v1/templates/welcome/test", f.admin, "{}").status())
          .isEqualTo(400);
      var test =
          f.http.postJson(
              "/v1/templates/welcome/test",
              f.admin,
              "{\"to\":\"me@shop.example\",\"traits\":{\"first_name\":\"Test\"}}");
      assertThat(test.status()).as(test.body()).isEqualTo(200);
      assertThat(test.json().path("outcome").asText()).isEqualTo("sent");
      assertThat(smtp.getReceivedMessages())
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.getSubject()).isEqualTo("Welcome, Test");
                assertThat(m.getAllRecipients()[0].toString()).isEqualTo("me@shop.example");
              });
      // A test is not a customer's message: nothing in the outbox.
      assertThat(f.outbox()).isEmpty();
      // A channel without a provider: 409.
      assertThat(
              f.http
                  .postJson("/v1/templates/sms-hi/test", f.admin, "{\"to\":\"+4915100000001\"}")
                  .status())
          .isEqualTo(409);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
