package io.kairos.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.SseClient;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The in-app inbox end to end on both stores: a journey sends to the inbox, the app lists it with a
 * token, an open stream hears it live, a reconnecting stream gets what it missed, reading is an
 * event on the timeline, a crash between the insert and the outcome leaves one row, forged and
 * expired tokens are refused, an erasure takes the inbox with it, a stop closes open streams.
 */
class InboxTest {
  private static final Duration WAIT = DeliveryFixture.WAIT;

  @TempDir Path dir;

  private static final String TEMPLATE =
      """
      {"id":"order","channel":"inbox","default_locale":"en","locales":{"en":{
        "title":"Order {{ event.properties.id }} shipped",
        "body":"Hi {{ profile.first_name }}, it is on its way.",
        "url":"https://shop.example/orders/{{ event.properties.id }}",
        "image_url":"https://shop.example/box.png"}}}
      """;

  private static final String JOURNEY =
      """
      id: shipped
      goal: g
      trigger: { event: Order Shipped }
      entry: parallel
      steps:
        - send: inbox
          template: order
          topic: orders
          data:
            order: event.properties.id
      """;

  private DeliveryFixture fixture(StoreKind kind) {
    DeliveryFixture f = new DeliveryFixture(kind, dir, c -> c.set("shutdown.grace", "2m"));
    f.template(TEMPLATE);
    f.journey(JOURNEY);
    return f;
  }

  private static String shipped(String user, String order) {
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"event\":\"Order Shipped\",\"properties\":{\"id\":\""
        + order
        + "\"}}";
  }

  private static String identify(String user, String name) {
    return "{\"type\":\"identify\",\"userId\":\""
        + user
        + "\",\"traits\":{\"first_name\":\""
        + name
        + "\"}}";
  }

  private static String token(DeliveryFixture f, String body) {
    Http.Response r = f.http.postJson("/v1/inbox/tokens", f.read(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("token").asText();
  }

  private static JsonNode list(DeliveryFixture f, String token, String query) {
    Http.Response r = f.http.get("/v1/inbox" + query, token);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static JsonNode data(SseClient.Event e) {
    try {
      return Http.mapper().readTree(e.data());
    } catch (java.io.IOException x) {
      throw new AssertionError(e.data(), x);
    }
  }

  private static int inboxRows(DeliveryFixture f) {
    return f.server
        .database()
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM inbox");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
              }
            });
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aJourneyFillsTheInboxWhichStreamsLiveAndResumesAfterAReconnect(StoreKind kind) {
    try (DeliveryFixture f = fixture(kind)) {
      f.send(identify("ana", "Ana"));
      f.idle();
      String ana = token(f, "{\"user_id\":\"ana\"}");
      assertThat(list(f, ana, "").get("messages")).isEmpty();

      // A stream open before the send hears the message live.
      SseClient live = SseClient.open(f.server.port(), "/v1/inbox/stream", ana, null);
      assertThat(live.status()).isEqualTo(200);
      live.awaitComment("connected", WAIT);
      f.send(shipped("ana", "A-1"));
      f.delivered(1);
      SseClient.Event first = live.nextEvent(WAIT);
      assertThat(first.name()).isEqualTo("message");
      JsonNode m1 = data(first).get("message");
      assertThat(m1.get("title").asText()).isEqualTo("Order A-1 shipped");
      assertThat(m1.get("body").asText()).isEqualTo("Hi Ana, it is on its way.");
      assertThat(m1.get("url").asText()).isEqualTo("https://shop.example/orders/A-1");
      assertThat(m1.get("image_url").asText()).isEqualTo("https://shop.example/box.png");
      assertThat(m1.get("data").get("order").asText()).isEqualTo("A-1");
      assertThat(m1.get("topic").asText()).isEqualTo("orders");
      assertThat(m1.get("read").asBoolean()).isFalse();
      assertThat(data(first).get("unread_count").asInt()).isEqualTo(1);
      assertThat(first.id()).isEqualTo(m1.get("event_id").asText());

      // The list, by token and server side by the userId.
      JsonNode page = list(f, ana, "");
      assertThat(page.get("messages")).hasSize(1);
      assertThat(page.get("unread_count").asInt()).isEqualTo(1);
      assertThat(page.get("messages").get(0).get("id").asText()).isEqualTo(m1.get("id").asText());
      Http.Response server = f.http.get("/v1/profiles/ana/inbox", f.read());
      assertThat(server.status()).as(server.body()).isEqualTo(200);
      assertThat(server.json().get("profile").asText()).isEqualTo("ana");
      assertThat(server.json().get("messages")).hasSize(1);

      // The app goes away; two more arrive; it comes back with the last id it saw.
      live.close();
      f.send(shipped("ana", "A-2"), shipped("ana", "A-3"));
      f.delivered(3);
      try (SseClient back = SseClient.open(f.server.port(), "/v1/inbox/stream", ana, first.id())) {
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          SseClient.Event e = back.nextEvent(WAIT);
          assertThat(e.name()).isEqualTo("message");
          titles.add(data(e).get("message").get("title").asText());
        }
        assertThat(titles).containsExactlyInAnyOrder("Order A-2 shipped", "Order A-3 shipped");

        // Newest first, in pages.
        JsonNode p1 = list(f, ana, "?limit=2");
        assertThat(p1.get("messages")).hasSize(2);
        assertThat(p1.get("unread_count").asInt()).isEqualTo(3);
        JsonNode p2 = list(f, ana, "?limit=2&cursor=" + p1.get("next").asText());
        assertThat(p2.get("messages")).hasSize(1);
        assertThat(p2.get("messages").get(0).get("title").asText()).isEqualTo("Order A-1 shipped");
        assertThat(p2.get("next").isNull()).isTrue();

        // Read one: idempotent, an update on the stream, an event on the timeline.
        String id1 = m1.get("id").asText();
        Http.Response read = f.http.postJson("/v1/inbox/messages/" + id1 + "/read", ana, "");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().get("message").get("read").asBoolean()).isTrue();
        assertThat(read.json().get("unread_count").asInt()).isEqualTo(2);
        Http.Response again = f.http.postJson("/v1/inbox/messages/" + id1 + "/read", ana, "");
        assertThat(again.json().get("message").get("read_at"))
            .isEqualTo(read.json().get("message").get("read_at"));
        SseClient.Event update = back.nextEvent(WAIT);
        assertThat(update.name()).isEqualTo("update");
        assertThat(data(update).get("message").get("read").asBoolean()).isTrue();
        assertThat(data(update).get("unread_count").asInt()).isEqualTo(2);

        assertThat(list(f, ana, "?unread=true").get("messages")).hasSize(2);
        Http.Response all = f.http.postJson("/v1/inbox/read-all", ana, "");
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().get("read").asInt()).isEqualTo(2);
        assertThat(all.json().get("unread_count").asInt()).isZero();
        assertThat(list(f, ana, "").get("unread_count").asInt()).isZero();

        // Unread and archive.
        Http.Response unread = f.http.postJson("/v1/inbox/messages/" + id1 + "/unread", ana, "");
        assertThat(unread.json().get("unread_count").asInt()).isEqualTo(1);
        Http.Response archive = f.http.postJson("/v1/inbox/messages/" + id1 + "/archive", ana, "");
        assertThat(archive.json().get("message").get("archived").asBoolean()).isTrue();
        assertThat(archive.json().get("unread_count").asInt()).isZero();
        assertThat(list(f, ana, "").get("messages")).hasSize(2);
        assertThat(list(f, ana, "?include_archived=true").get("messages")).hasSize(3);
      }

      // Reading is on the timeline, once per message read.
      f.idle();
      List<String> names = f.timeline("ana").stream().map(e -> e.path("name").asText("")).toList();
      assertThat(names.stream().filter("Inbox Message Read"::equals)).hasSize(3);
      assertThat(names).contains("Inbox Message Archived", "Message Sent");
      assertThat(inboxRows(f)).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aCrashBetweenTheInsertAndTheOutcomeLeavesOneMessage(StoreKind kind) {
    try (DeliveryFixture f = fixture(kind)) {
      f.send(identify("ana", "Ana"), shipped("ana", "A-1"));
      f.delivered(1);
      assertThat(inboxRows(f)).isEqualTo(1);
      // As if the process died after the channel's insert and before the outcome's commit.
      f.restart(c -> c.set("delivery.enabled", "false"));
      f.sql("UPDATE outbox SET status = 'sending' WHERE channel = 'inbox'");
      f.restart(c -> c.set("delivery.enabled", "true"));
      f.delivered(1);
      assertThat(inboxRows(f)).isEqualTo(1);
      assertThat(f.outbox())
          .singleElement()
          .satisfies(r -> assertThat(r).containsSubsequence("sent", "2"));
      String ana = token(f, "{\"user_id\":\"ana\"}");
      assertThat(list(f, ana, "").get("messages")).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void forgedAndExpiredTokensAndOtherProfilesMessagesAreRefused(StoreKind kind) {
    try (DeliveryFixture f = fixture(kind)) {
      f.send(identify("ana", "Ana"), identify("bob", "Bob"), shipped("bob", "B-1"));
      f.delivered(1);
      String bob = token(f, "{\"user_id\":\"bob\"}");
      String bobsMessage = list(f, bob, "").get("messages").get(0).get("id").asText();

      // Ana's token sees nothing of Bob's.
      String ana = token(f, "{\"user_id\":\"ana\",\"ttl\":60}");
      assertThat(list(f, ana, "").get("messages")).isEmpty();
      Http.Response other = f.http.postJson("/v1/inbox/messages/" + bobsMessage + "/read", ana, "");
      assertThat(other.status()).isEqualTo(404);
      assertThat(list(f, bob, "").get("unread_count").asInt()).isEqualTo(1);

      // A token changed to open Bob's inbox, or signed with another key.
      String[] parts = ana.split("\\.");
      String claims =
          new String(
                  java.util.Base64.getUrlDecoder().decode(parts[1]),
                  java.nio.charset.StandardCharsets.UTF_8)
              .replace("\"ana\"", "\"bob\"");
      String forged =
          parts[0]
              + "."
              + java.util.Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8))
              + "."
              + parts[2];
      // The signature's first character carries six bits of the MAC (its last one only four, so
      // changing the end may decode to the same bytes): changing it always breaks the MAC.
      String badMac =
          parts[0]
              + "."
              + parts[1]
              + "."
              + (parts[2].charAt(0) == 'A' ? 'B' : 'A')
              + parts[2].substring(1);
      for (String bad : List.of(forged, badMac, "nonsense")) {
        Http.Response r = f.http.get("/v1/inbox", bad);
        // The body says which request answered, should a tampered token ever get through.
        assertThat(r.status()).as("%s (original %s): %s", bad, ana, r.body()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
      }
      assertThat(f.http.get("/v1/inbox", null).status()).isEqualTo(401);
      assertThat(f.http.get("/v1/inbox?token=" + ana, null).status()).isEqualTo(200);

      // Expired: a minute later.
      f.clock.advance(Duration.ofSeconds(61));
      Http.Response expired = f.http.get("/v1/inbox", ana);
      assertThat(expired.status()).isEqualTo(401);
      assertThat(expired.json().get("detail").asText()).contains("expired");
      SseClient stream = SseClient.open(f.server.port(), "/v1/inbox/stream", ana, null);
      assertThat(stream.status()).isEqualTo(401);
      stream.close();

      // Bad requests name the field.
      Http.Response both =
          f.http.postJson(
              "/v1/inbox/tokens", f.read(), "{\"user_id\":\"a\",\"anonymous_id\":\"b\"}");
      assertThat(both.status()).isEqualTo(400);
      Http.Response ttl =
          f.http.postJson("/v1/inbox/tokens", f.read(), "{\"user_id\":\"a\",\"ttl\":\"1d\"}");
      assertThat(ttl.status()).isEqualTo(400);
      assertThat(ttl.json().get("errors").get(0).get("field").asText()).isEqualTo("ttl");
      Http.Response limit = f.http.get("/v1/inbox?limit=0", bob);
      assertThat(limit.status()).isEqualTo(400);
      assertThat(f.http.postJson("/v1/inbox/tokens", f.write, "{\"user_id\":\"a\"}").status())
          .isEqualTo(403);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void erasingAProfileEmptiesItsInbox(StoreKind kind) {
    try (DeliveryFixture f = fixture(kind)) {
      f.send(identify("ana", "Ana"), shipped("ana", "A-1"), identify("bob", "Bob"));
      f.send(shipped("bob", "B-1"));
      f.delivered(2);
      assertThat(inboxRows(f)).isEqualTo(2);
      Http.Response erase = f.http.delete("/v1/profiles/ana", f.admin);
      assertThat(erase.status()).as(erase.body()).isIn(200, 202);
      f.idle();
      assertThat(inboxRows(f)).isEqualTo(1);
      assertThat(f.http.get("/v1/profiles/ana/inbox", f.read()).status()).isEqualTo(404);
      assertThat(f.http.get("/v1/profiles/bob/inbox", f.read()).json().get("messages")).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStopClosesTheOpenStreamsInsteadOfWaitingForThem(StoreKind kind) throws Exception {
    DeliveryFixture f = fixture(kind);
    try {
      f.send(identify("ana", "Ana"));
      f.idle();
      String ana = token(f, "{\"user_id\":\"ana\"}");
      SseClient a = SseClient.open(f.server.port(), "/v1/inbox/stream", ana, null);
      SseClient b = SseClient.open(f.server.port(), "/v1/inbox/stream", ana, "0");
      a.awaitComment("connected", WAIT);
      b.awaitComment("connected", WAIT);
      assertThat(f.server.inbox().openStreams()).isEqualTo(2);
      // shutdown.grace is 2 minutes: a stop that waited for the streams would take that long.
      CompletableFuture<Void> stop = CompletableFuture.runAsync(f::close);
      assertThat(a.next(WAIT)).isEqualTo(SseClient.END);
      assertThat(b.next(WAIT)).isEqualTo(SseClient.END);
      stop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      f.close();
    }
  }
}
