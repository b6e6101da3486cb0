package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.event.Event;
import io.kairos.event.EventParser;
import io.kairos.event.EventType;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.workspace.IssuedKey;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrackingApiTest {
  @TempDir Path dir;

  private static String track(String messageId, String userId) {
    return "{\"type\":\"track\",\"userId\":\""
        + userId
        + "\",\"event\":\"Clicked\",\"messageId\":\""
        + messageId
        + "\",\"timestamp\":\"2025-12-31T23:00:00Z\"}";
  }

  private static String batch(String... items) {
    return "{\"batch\":[" + String.join(",", items) + "]}";
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyRouteStoresItsCallTypeAndAnswersSegmentsSuccess(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      String ts = ",\"timestamp\":\"2025-12-31T12:00:00Z\"";
      Map<String, String> calls =
          Map.of(
              "track", "{\"userId\":\"u1\",\"event\":\"Signed Up\"" + ts + "}",
              "identify", "{\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"}" + ts + "}",
              "page", "{\"userId\":\"u1\",\"name\":\"Pricing\"" + ts + "}",
              "screen", "{\"userId\":\"u1\",\"name\":\"Cart\"" + ts + "}",
              "group", "{\"userId\":\"u1\",\"groupId\":\"g1\"" + ts + "}",
              "alias", "{\"userId\":\"u1\",\"previousId\":\"old\"" + ts + "}");
      EventParser parser = new EventParser();
      for (EventType t : EventType.values()) {
        Http.Response r = f.post("/v1/" + t.wireName(), calls.get(t.wireName()));
        assertThat(r.status()).as(t + ": " + r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        Map<String, Object> row =
            f.rows("SELECT * FROM events WHERE type = ?", t.wireName()).get(0);
        assertThat(row.get("profile")).isEqualTo("u1");
        // The stored body is a complete message the runtime parses on its own.
        EventParser.Result parsed = parser.parse((String) row.get("body"));
        assertThat(parsed).isInstanceOf(EventParser.Result.Parsed.class);
        Event e = ((EventParser.Result.Parsed) parsed).event();
        assertThat(e.type()).isEqualTo(t);
        assertThat(e.messageId()).isEqualTo(row.get("message_id"));
        assertThat(row.get("name")).isEqualTo(e.name());
      }
      assertThat(f.events()).isEqualTo(6);

      // The batch routes, /v1/import also with the trailing slash Segment's Java library uses.
      for (String path : List.of("/v1/batch", "/v1/import", "/v1/import/")) {
        Http.Response r = f.post(path, batch(track(path + "-a", "u2"), track(path + "-b", "u3")));
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(2);
      }
      assertThat(f.events()).isEqualTo(12);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void authenticatesByBasicBearerOrWriteKeyWithTheIngestScope(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((f.ingestKey + ":").getBytes(StandardCharsets.UTF_8));
      Http.Response r =
          f.http.send(
              f.http
                  .builder("/v1/track", null)
                  .header("Authorization", basic)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(track("basic", "u1")))
                  .build());
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(f.post("/v1/track", track("bearer", "u1")).status()).isEqualTo(200);
      String withKey = "{\"writeKey\":\"" + f.ingestKey + "\"," + track("body", "u1").substring(1);
      assertThat(f.http.postJson("/v1/track", null, withKey).status()).isEqualTo(200);
      String batchWithKey =
          "{\"writeKey\":\"" + f.ingestKey + "\",\"batch\":[" + track("batch-body", "u1") + "]}";
      assertThat(f.http.postJson("/v1/batch", null, batchWithKey).status()).isEqualTo(200);
      assertThat(f.http.postJson("/v1/track", f.adminKey, track("admin", "u1")).status())
          .isEqualTo(200);
      assertThat(f.events()).isEqualTo(5);
      // The key sent in the body is not kept in the log.
      assertThat(f.rows("SELECT body FROM events").toString()).doesNotContain(f.ingestKey);

      Http.Response none = f.http.postJson("/v1/track", null, track("none", "u1"));
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.contentType()).startsWith("application/problem+json");
      Http.Response wrong = f.http.postJson("/v1/track", "kairos_nope_nope", track("x", "u1"));
      assertThat(wrong.status()).isEqualTo(401);
      Http.Response read = f.http.postJson("/v1/batch", f.readKey, batch(track("r", "u1")));
      assertThat(read.status()).isEqualTo(403);
      assertThat(read.json().get("detail").asText()).contains("ingest");
      IssuedKey revoked =
          f.server.workspaces().createKey(Workspaces.DEFAULT, Scope.INGEST, "to revoke");
      assertThat(f.http.postJson("/v1/track", revoked.secret(), track("rv1", "u1")).status())
          .isEqualTo(200);
      f.server.workspaces().revokeKey(Workspaces.DEFAULT, revoked.id());
      assertThat(f.http.postJson("/v1/track", revoked.secret(), track("rv2", "u1")).status())
          .isEqualTo(401);
      assertThat(f.events()).isEqualTo(6);

      // A key of workspace B writes into B only; the same messageId in A and B are two events.
      f.server.workspaces().create("b", "B");
      String bKey = f.server.workspaces().createKey("b", Scope.INGEST, "b").secret();
      assertThat(f.http.postJson("/v1/track", bKey, track("bearer", "u1")).status()).isEqualTo(200);
      assertThat(f.count("SELECT COUNT(*) FROM events WHERE workspace = 'b'")).isEqualTo(1);
      assertThat(f.count("SELECT COUNT(*) FROM events WHERE workspace = 'default'")).isEqualTo(6);
      assertThat(f.count("SELECT COUNT(*) FROM identities WHERE workspace = 'b'")).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aPartialBatchKeepsTheValidMessagesAndNamesEachInvalidOne(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      String body =
          batch(
              track("ok-1", "u1"),
              "{\"type\":\"track\",\"userId\":\"u2\",\"event\":\"x\",\"timestamp\":\"yesterday\"}",
              "{\"type\":\"identify\",\"traits\":{}}",
              "\"not an object\"",
              track("ok-2", "u2"),
              "{\"type\":\"track\",\"userId\":\"u3\",\"event\":\"x\",\"context\":{\"timezone\":\"Mars/Base\"}}");
      Http.Response r = f.post("/v1/batch", body);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode json = r.json();
      assertThat(json.get("accepted").asInt()).isEqualTo(2);
      assertThat(json.get("invalid").asInt()).isEqualTo(4);
      JsonNode errors = json.get("errors");
      assertThat(errors).hasSize(4);
      assertThat(errors.get(0).get("index").asInt()).isEqualTo(1);
      assertThat(errors.get(0).get("field").asText()).isEqualTo("timestamp");
      assertThat(errors.get(0).get("reason").asText()).isEqualTo("not ISO-8601");
      assertThat(errors.get(1).get("index").asInt()).isEqualTo(2);
      assertThat(errors.get(1).get("field").asText()).isEqualTo("userId or anonymousId");
      assertThat(errors.get(2).get("index").asInt()).isEqualTo(3);
      assertThat(errors.get(2).get("field").asText()).isEqualTo("(json)");
      assertThat(errors.get(3).get("index").asInt()).isEqualTo(5);
      assertThat(errors.get(3).get("field").asText()).isEqualTo("context.timezone");
      assertThat(f.rows("SELECT message_id FROM events ORDER BY seq"))
          .extracting(m -> m.get("message_id"))
          .containsExactly("ok-1", "ok-2");

      Http.Response all =
          f.post(
              "/v1/batch", batch("{\"type\":\"track\",\"userId\":\"u\"}", "{\"type\":\"nope\"}"));
      assertThat(all.status()).isEqualTo(400);
      assertThat(all.contentType()).startsWith("application/problem+json");
      assertThat(all.json().get("errors")).hasSize(2);
      assertThat(all.json().get("errors").get(0).get("field").asText()).isEqualTo("event");
      assertThat(all.json().get("errors").get(1).get("index").asInt()).isEqualTo(1);
      assertThat(all.json().get("errors").get(1).get("field").asText()).isEqualTo("type");
      assertThat(f.events()).isEqualTo(2);

      Http.Response empty = f.post("/v1/batch", "{\"batch\":[]}");
      assertThat(empty.status()).isEqualTo(200);
      assertThat(empty.json().get("accepted").asInt()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void duplicatesWithinTheWindowChangeNothingAndAreReported(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      String body = batch(track("d1", "u1"), track("d2", "u1"), track("d1", "u1"));
      Http.Response first = f.post("/v1/batch", body);
      assertThat(first.json().get("accepted").asInt()).isEqualTo(2);
      assertThat(first.json().get("duplicates").asInt()).isEqualTo(1);
      assertThat(first.json().get("duplicateMessages").get(0).get("index").asInt()).isEqualTo(2);
      Http.Response second = f.post("/v1/batch", body);
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.json().get("accepted").asInt()).isZero();
      assertThat(second.json().get("duplicates").asInt()).isEqualTo(3);
      Http.Response single = f.post("/v1/track", track("d2", "u1"));
      assertThat(single.json().get("duplicates").asInt()).isEqualTo(1);
      assertThat(f.events()).isEqualTo(2);
      assertThat(f.count("SELECT COUNT(*) FROM message_ids")).isEqualTo(2);

      // Past the window (7 days by default) the id is forgotten: the same message is new again.
      f.clock.advance(Duration.ofDays(7).plusMinutes(1));
      Http.Response later = f.post("/v1/track", track("d1", "u1"));
      assertThat(later.json().get("accepted").asInt()).isEqualTo(1);
      assertThat(f.events()).isEqualTo(3);
      // Pruning ran with that commit: the old d2 row is gone, d1 is the new one.
      assertThat(f.rows("SELECT message_id FROM message_ids"))
          .extracting(m -> m.get("message_id"))
          .containsExactly("d1");

      String text = f.http.get("/metrics", null).body();
      assertThat(text).contains("kairos_ingest_events_total{result=\"accepted\"} 3.0");
      assertThat(text).contains("kairos_ingest_events_total{result=\"duplicate\"} 5.0");
      assertThat(text).contains("kairos_ingest_commit_seconds{quantile=\"0.99\"}");
      assertThat(text).contains("kairos_ingest_queue_depth");
      // The one past the window looked its id up in the store: the filter still held it. The two
      // repeats did too if their rows were stored by then (else they were found among the ids
      // logged and not yet stored), and the first request if the start's scan of the window had
      // not ended yet (else the filter answered for its new ids).
      Matcher lookups = Pattern.compile("kairos_ingest_dedupe_seconds_count (\\d+)").matcher(text);
      assertThat(lookups.find()).as("dedupe lookups counted").isTrue();
      assertThat(Integer.parseInt(lookups.group(1))).isBetween(1, 4);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void oversizeBodiesAreRefusedBeforeTheyAreRead(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      // Content-Length over the batch limit (500 KB): 413 before the body is read. The client
      // sends the headers only; the answer comes without waiting for the body.
      RawHttp.Response declared =
          RawHttp.headersOnly(
              f.server.port(),
              "POST /v1/batch HTTP/1.1",
              "Authorization: Bearer " + f.ingestKey,
              "Content-Type: application/json",
              "Content-Length: " + (10 << 20));
      assertThat(declared.status()).isEqualTo(413);
      assertThat(declared.body()).contains("\"field\":\"Content-Length\"");
      assertThat(declared.body()).contains("ingest.max_batch_bytes");
      RawHttp.Response expecting =
          RawHttp.headersOnly(
              f.server.port(),
              "POST /v1/track HTTP/1.1",
              "Authorization: Bearer " + f.ingestKey,
              "Content-Type: application/json",
              "Expect: 100-continue",
              "Content-Length: 40000");
      assertThat(expecting.status()).isEqualTo(413);
      assertThat(expecting.body()).contains("ingest.max_event_bytes");

      // 10 MB, chunked (no Content-Length): read up to the limit and refused there.
      byte[] huge = bigBatch(10 << 20);
      RawHttp.Response chunked =
          RawHttp.exchange(
              f.server.port(),
              RawHttp.chunked(huge),
              "POST /v1/batch HTTP/1.1",
              "Authorization: Bearer " + f.ingestKey,
              "Content-Type: application/json",
              "Transfer-Encoding: chunked");
      assertThat(chunked.status()).isEqualTo(413);
      assertThat(chunked.body()).contains("\"field\":\"(body)\"");

      // A single call over 32 KB.
      String fat =
          "{\"userId\":\"u1\",\"event\":\"x\",\"properties\":{\"p\":\""
              + "a".repeat(40_000)
              + "\"}}";
      byte[] fatBytes = fat.getBytes(StandardCharsets.UTF_8);
      RawHttp.Response single =
          RawHttp.exchange(
              f.server.port(),
              fatBytes,
              "POST /v1/track HTTP/1.1",
              "Authorization: Bearer " + f.ingestKey,
              "Content-Type: application/json",
              "Content-Length: " + fatBytes.length);
      assertThat(single.status()).isEqualTo(413);
      assertThat(single.body()).contains("ingest.max_event_bytes");

      // Inside a batch, an event over 32 KB is one invalid message.
      Http.Response item = f.post("/v1/batch", batch(fat, track("small", "u1")));
      assertThat(item.status()).isEqualTo(200);
      assertThat(item.json().get("errors").get(0).get("index").asInt()).isZero();
      assertThat(item.json().get("errors").get(0).get("field").asText()).isEqualTo("(message)");
      assertThat(f.events()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void tenMegabytesWithContentLengthAreRefusedWith413(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      byte[] huge = bigBatch(10 << 20);
      RawHttp.Response r =
          RawHttp.exchange(
              f.server.port(),
              huge,
              "POST /v1/batch HTTP/1.1",
              "Authorization: Bearer " + f.ingestKey,
              "Content-Type: application/json",
              "Content-Length: " + huge.length);
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.body()).contains("\"field\":\"Content-Length\"");
      assertThat(f.events()).isZero();
      // The server still answers afterwards.
      assertThat(f.post("/v1/track", track("after", "u1")).status()).isEqualTo(200);
    }
  }

  private static byte[] bigBatch(int bytes) {
    StringBuilder s = new StringBuilder(bytes + 200).append("{\"batch\":[");
    int i = 0;
    while (s.length() < bytes) {
      s.append(i == 0 ? "" : ",").append(track("big-" + i++, "u1"));
    }
    return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badInputIsAClearProblemNamingTheFieldAndStoresNothing(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      // Malformed JSON.
      Http.Response cut = f.post("/v1/track", "{\"userId\":\"u1\",\"event\":\"x\"");
      assertProblem(cut, 400, "(json)", "unexpected end of input");
      Http.Response batchCut = f.post("/v1/batch", "{\"batch\":[" + track("a", "u"));
      assertProblem(batchCut, 400, "(json)", "unexpected end of input at column 109");
      Http.Response noComma =
          f.post("/v1/batch", "{\"batch\":[" + track("a", "u") + " " + track("b", "u") + "]}");
      assertProblem(noComma, 400, "(json)", "expected ',' or ']' after an array element");
      Http.Response trailing = f.post("/v1/batch", batch(track("t", "u")) + " x");
      assertProblem(trailing, 400, "(json)", "unexpected content after the object");

      // Invalid UTF-8 and NUL bytes, anywhere in the body.
      byte[] latin1 = track("l", "Jos\u00e9").getBytes(StandardCharsets.ISO_8859_1);
      assertProblem(
          f.http.post("/v1/track", f.ingestKey, "application/json", latin1),
          400,
          "(json)",
          "invalid UTF-8 at column");
      byte[] nul = batch(track("n", "u1")).getBytes(StandardCharsets.UTF_8);
      nul[40] = 0;
      assertProblem(
          f.http.post("/v1/batch", f.ingestKey, "application/json", nul),
          400,
          "(json)",
          "NUL byte at column 41");
      // An escaped NUL is valid JSON, but not in an id the store indexes.
      Http.Response escaped = f.post("/v1/track", track("e", "u\\u0000x"));
      assertProblem(escaped, 400, "userId", "NUL");

      // Deep nesting: inside a message, and inside the envelope.
      String deep = "[".repeat(100) + "]".repeat(100);
      Http.Response nested =
          f.post(
              "/v1/track",
              "{\"userId\":\"u1\",\"event\":\"x\",\"properties\":{\"a\":" + deep + "}}");
      assertProblem(nested, 400, "properties", "nested deeper than 64 levels");
      Http.Response envelope =
          f.post(
              "/v1/batch", "{\"integrations\":" + deep + ",\"batch\":[" + track("d", "u") + "]}");
      assertProblem(envelope, 400, "integrations", "nested deeper than 64 levels");
      // Thousands of levels (within the 32 KB of one message): refused, no stack overflow.
      String veryDeep =
          "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"x\",\"properties\":"
              + "{\"a\":".repeat(4_000)
              + "1"
              + "}".repeat(4_001);
      Http.Response stack = f.post("/v1/batch", batch(veryDeep));
      assertProblem(stack, 400, "properties", "nested deeper than 64 levels");

      // Wrong or missing content type.
      assertProblem(
          f.post("/v1/track", f.ingestKey, "application/x-www-form-urlencoded", track("w", "u")),
          415,
          "Content-Type",
          "expected application/json or text/plain");
      assertProblem(
          f.http.send(
              f.http
                  .builder("/v1/track", f.ingestKey)
                  .POST(HttpRequest.BodyPublishers.ofString(track("none", "u")))
                  .build()),
          415,
          "Content-Type",
          "required");
      assertProblem(
          f.post("/v1/track", f.ingestKey, "application/json; charset=iso-8859-1", track("c", "u")),
          415,
          "Content-Type",
          "charset must be UTF-8");

      // The batch shape.
      assertProblem(f.post("/v1/batch", "{\"messages\":[]}"), 400, "batch", "required");
      assertProblem(f.post("/v1/batch", "{\"batch\":{}}"), 400, "batch", "must be an array");
      assertProblem(f.post("/v1/batch", "[]"), 400, "(json)", "expected a JSON object");
      assertProblem(
          f.post("/v1/batch", "{\"sentAt\":\"soon\",\"batch\":[]}"), 400, "sentAt", "not ISO-8601");
      assertProblem(
          f.post("/v1/batch", "{\"context\":{\"timezone\":\"Nowhere\"},\"batch\":[]}"),
          400,
          "context.timezone",
          "unknown time zone");

      // A single call whose type is not its route's.
      assertProblem(f.post("/v1/identify", track("t", "u1")), 400, "type", "must be 'identify'");

      assertThat(f.events()).isZero();
      assertThat(f.count("SELECT COUNT(*) FROM message_ids")).isZero();
      assertThat(f.count("SELECT COUNT(*) FROM identities")).isZero();
    }
  }

  private static void assertProblem(Http.Response r, int status, String field, String reason) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode error = r.json().get("errors").get(0);
    assertThat(error.get("field").asText()).as(r.body()).isEqualTo(field);
    assertThat(error.get("reason").asText()).as(r.body()).contains(reason);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void timestampsAreCorrectedForClockSkewAndClampedWhenFarAhead(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      // receivedAt is 2026-01-01T00:00:00Z (the test clock). The device's clock is 1 h ahead:
      // it says it sent at 01:00 an event it stamped 00:50, so the event happened 10 min ago.
      String body =
          "{\"sentAt\":\"2026-01-01T01:00:00Z\",\"batch\":["
              + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"a\",\"messageId\":\"skew\","
              + "\"timestamp\":\"2026-01-01T00:50:00Z\"},"
              + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"b\",\"messageId\":\"own-sent-at\","
              + "\"timestamp\":\"2026-01-01T00:50:00Z\",\"sentAt\":\"2026-01-01T00:55:00Z\"}]}";
      assertThat(f.post("/v1/batch", body).status()).isEqualTo(200);
      assertThat(time(f, "skew")).isEqualTo(Instant.parse("2025-12-31T23:50:00Z"));
      assertThat(time(f, "own-sent-at")).isEqualTo(Instant.parse("2025-12-31T23:55:00Z"));

      // Without sentAt: as stamped; more than 10 min ahead of arrival: set to the arrival.
      f.post(
          "/v1/track",
          "{\"userId\":\"u1\",\"event\":\"c\",\"messageId\":\"plain\",\"timestamp\":\"2026-01-01T00:09:00Z\"}");
      f.post(
          "/v1/track",
          "{\"userId\":\"u1\",\"event\":\"d\",\"messageId\":\"ahead\",\"timestamp\":\"2026-01-01T00:11:00Z\"}");
      f.post(
          "/v1/track",
          "{\"userId\":\"u1\",\"event\":\"e\",\"messageId\":\"old\",\"timestamp\":\"2025-06-01T00:00:00Z\"}");
      f.post("/v1/track", "{\"userId\":\"u1\",\"event\":\"f\",\"messageId\":\"untimed\"}");
      assertThat(time(f, "plain")).isEqualTo(Instant.parse("2026-01-01T00:09:00Z"));
      assertThat(time(f, "ahead")).isEqualTo(Fixture.START);
      // Old events are stored as they are (the runtime starts no journey for them).
      assertThat(time(f, "old")).isEqualTo(Instant.parse("2025-06-01T00:00:00Z"));
      assertThat(time(f, "untimed")).isEqualTo(Fixture.START);
      assertThat(f.rows("SELECT received_at FROM events"))
          .allSatisfy(
              r ->
                  assertThat(((Number) r.get("received_at")).longValue())
                      .isEqualTo(Fixture.START.toEpochMilli()));

      // The stored body carries the corrected time and keeps the device's as originalTimestamp.
      Event e = storedEvent(f, "skew");
      assertThat(e.timestamp()).isEqualTo(Instant.parse("2025-12-31T23:50:00Z").toEpochMilli());
      String stored =
          (String) f.rows("SELECT body FROM events WHERE message_id = 'skew'").get(0).get("body");
      assertThat(stored)
          .contains("\"originalTimestamp\":\"2026-01-01T00:50:00Z\"")
          .contains("\"receivedAt\":\"2026-01-01T00:00:00Z\"")
          .contains("\"sentAt\":\"2026-01-01T01:00:00Z\"");
    }
  }

  private static Instant time(Fixture f, String messageId) {
    return Instant.ofEpochMilli(
        ((Number)
                f.rows("SELECT timestamp FROM events WHERE message_id = ?", messageId)
                    .get(0)
                    .get("timestamp"))
            .longValue());
  }

  private static Event storedEvent(Fixture f, String messageId) {
    String body =
        (String)
            f.rows("SELECT body FROM events WHERE message_id = ?", messageId).get(0).get("body");
    return ((EventParser.Result.Parsed) new EventParser().parse(body)).event();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theStoredBodyMergesTheBatchContextAndFillsTheMessageId(StoreKind kind) {
    try (Fixture f = Fixture.start(kind, dir)) {
      String body =
          "{\"context\":{\"library\":{\"name\":\"x\"},\"timezone\":\"Europe/Berlin\"},\"batch\":["
              + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"own\",\"messageId\":\"m-own\","
              + "\"context\":{\"timezone\":\"Asia/Tehran\"}},"
              + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"none\"}]}";
      Http.Response r = f.post("/v1/batch", body);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      Event own = storedEvent(f, "m-own");
      assertThat(own.context().timezone()).isEqualTo("Asia/Tehran");
      String ownBody =
          (String) f.rows("SELECT body FROM events WHERE message_id = 'm-own'").get(0).get("body");
      assertThat(ownBody).contains("\"library\":{\"name\":\"x\"}");
      Map<String, Object> generated = f.rows("SELECT * FROM events WHERE name = 'none'").get(0);
      String id = (String) generated.get("message_id");
      assertThat(id).matches("[0-9a-f-]{36}");
      Event none = storedEvent(f, id);
      assertThat(none.messageId()).isEqualTo(id);
      assertThat(none.context().timezone()).isEqualTo("Europe/Berlin");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void beaconTextPlainAndGzipBodiesAreAccepted(StoreKind kind) throws Exception {
    try (Fixture f = Fixture.start(kind, dir)) {
      // navigator.sendBeacon: text/plain, the key in the body, no header.
      String beacon =
          "{\"writeKey\":\"" + f.ingestKey + "\",\"batch\":[" + track("beacon", "u1") + "]}";
      Http.Response r =
          f.http.post(
              "/v1/batch",
              null,
              "text/plain;charset=UTF-8",
              beacon.getBytes(StandardCharsets.UTF_8));
      assertThat(r.status()).as(r.body()).isEqualTo(200);

      java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
        gz.write(batch(track("gz-1", "u1"), track("gz-2", "u2")).getBytes(StandardCharsets.UTF_8));
      }
      Http.Response gzip =
          f.http.send(
              f.http
                  .builder("/v1/batch", f.ingestKey)
                  .header("Content-Type", "application/json")
                  .header("Content-Encoding", "gzip")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()))
                  .build());
      assertThat(gzip.status()).as(gzip.body()).isEqualTo(200);
      assertThat(gzip.json().get("accepted").asInt()).isEqualTo(2);
      Http.Response brotli =
          f.http.send(
              f.http
                  .builder("/v1/batch", f.ingestKey)
                  .header("Content-Type", "application/json")
                  .header("Content-Encoding", "br")
                  .POST(HttpRequest.BodyPublishers.ofString(batch(track("br", "u1"))))
                  .build());
      assertProblem(brotli, 415, "Content-Encoding", "expected gzip");
      assertThat(f.events()).isEqualTo(3);
    }
  }
}
