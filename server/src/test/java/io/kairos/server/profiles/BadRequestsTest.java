package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad query parameters and bad trigger requests: each a 4xx problem naming the parameter or field,
 * and nothing changed. API triggers themselves: 202 with the seq, then the journey runs.
 */
class BadRequestsTest {
  @TempDir Path dir;

  static final String WELCOME =
      """
      id: welcome
      goal: welcome
      trigger:
        event: Signed Up
      steps:
        - send: email
          template: welcome
      """;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badParametersAreRefusedNamingThem(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, false)) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(
          List.of(
              "{\"type\":\"identify\",\"userId\":\"ana\",\"timestamp\":\"2026-03-02T10:00:00Z\"}"));
      f.idle();
      String timelineCursor = cursorOf(f, "/v1/profiles/ana/timeline?limit=1");
      String[][] cases = {
        {"/v1/profiles?limit=0", "limit"},
        {"/v1/profiles?limit=abc", "limit"},
        {"/v1/profiles?limit=501", "limit"},
        {"/v1/profiles?limit=", "limit"},
        {"/v1/profiles?limit=1&limit=2", "limit"},
        {"/v1/profiles?trait.=x", "trait."},
        {"/v1/profiles?trait.a%20b=x", "trait.a b"},
        {"/v1/profiles?trait.plan..x=pro", "trait.plan..x"},
        {"/v1/profiles?trait.plan=", "trait.plan"},
        {"/v1/profiles?traits.plan=pro", "traits.plan"},
        {"/v1/profiles?userId=ana", "userId"},
        {"/v1/profiles?cursor=garbage", "cursor"},
        {"/v1/profiles?cursor=" + timelineCursor, "cursor"},
        {"/v1/profiles/ana?verbose=1", "verbose"},
        {"/v1/profiles/ana/timeline?limit=-1", "limit"},
        {"/v1/profiles/ana/timeline?before=garbage", "before"},
        {"/v1/profiles/ana/timeline?before=2026-13-45T00:00:00Z", "before"},
        {"/v1/profiles/ana/timeline?after=2026-03-01T00:00:00Z", "after"},
        {"/v1/audit?limit=abc", "limit"},
        {"/v1/audit?cursor=" + timelineCursor, "cursor"},
        {"/v1/stats/journeys?from=yesterday", "from"},
        {"/v1/stats/journeys?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to"},
        {"/v1/stats/journeys?by=step", "by"},
        {"/v1/stats/journeys?journey=welcome", "journey"},
      };
      for (String[] c : cases) {
        Http.Response r = f.http.get(c[0], f.admin);
        assertThat(r.status()).as(c[0] + ": " + r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode errors = r.json().get("errors");
        assertThat(errors).as(c[0]).hasSize(1);
        assertThat(errors.get(0).get("field").asText()).as(c[0]).isEqualTo(c[1]);
        assertThat(errors.get(0).get("reason").asText()).as(c[0]).isNotBlank();
      }
      // The same cursor where it belongs works: after the newest event, the older one.
      JsonNode older = f.get("/v1/profiles/ana/timeline?before=" + timelineCursor).get("items");
      assertThat(older).hasSize(1);
      assertThat(older.get(0).get("name").asText()).isEqualTo("Identify");
      assertThat(f.get("/v1/profiles/ana/timeline?before=2026-03-02T10:00:00.001Z").get("items"))
          .hasSize(2);
      assertThat(f.get("/v1/profiles/ana/timeline?before=2026-03-02T10:00:00Z").get("items"))
          .isEmpty();
      f.get("/v1/profiles/nobody", f.read, 404);
      f.get("/v1/profiles/nobody/timeline", f.read, 404);
      f.get("/v1/journeys/nothing/stats", f.read, 404);
    }
  }

  private static String cursorOf(ProfilesFixture f, String path) {
    // A second event, so that a page of one has a next page.
    f.feed(
        List.of(
            "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Seen\","
                + "\"timestamp\":\"2026-03-02T10:00:00Z\"}"));
    f.idle();
    JsonNode page = f.get(path);
    assertThat(page.get("next").isNull()).isFalse();
    return page.get("next").asText();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void apiTriggersStartTheirJourneyAndBadOnesAreRefused(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, false)) {
      for (String yaml : List.of(ProfilesAccessTest.VIP, WELCOME)) {
        assertThat(
                f.http.post("/v1/journeys", f.admin, "application/yaml", yaml.getBytes()).status())
            .isEqualTo(201);
      }
      assertThat(f.http.postJson("/v1/journeys/welcome/publish", f.admin, "").status())
          .isEqualTo(200);
      // vip is still a draft.
      Http.Response r =
          f.http.postJson("/v1/journeys/vip/trigger", f.admin, "{\"userId\":\"ana\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("journey");
      assertThat(f.http.postJson("/v1/journeys/vip/publish", f.admin, "").status()).isEqualTo(200);

      f.at("2026-03-02T10:00:00Z");
      r =
          f.http.postJson(
              "/v1/journeys/vip/trigger",
              f.admin,
              "{\"userId\":\"ana\",\"data\":{\"tier\":\"gold\",\"points\":3}}");
      assertThat(r.status()).as(r.body()).isEqualTo(202);
      long seq = r.json().get("seq").asLong();
      assertThat(r.json().get("journey").asText()).isEqualTo("vip");
      f.idle();
      JsonNode items = f.get("/v1/profiles/ana/timeline").get("items");
      // Newest first: complete, send, enter, then the trigger itself.
      assertThat(items).hasSize(4);
      JsonNode trigger = items.get(3);
      assertThat(trigger.get("kind").asText()).isEqualTo("event");
      assertThat(trigger.get("type").asText()).isEqualTo("trigger");
      assertThat(trigger.get("name").asText()).isEqualTo("vip");
      assertThat(trigger.get("seq").asLong()).isEqualTo(seq);
      assertThat(trigger.get("properties").get("tier").asText()).isEqualTo("gold");
      assertThat(items.get(2).get("kind").asText()).isEqualTo("entered");
      assertThat(items.get(2).get("reason").asText()).isEqualTo("triggered through the API");
      assertThat(items.get(2).get("seq").asLong()).isEqualTo(seq);
      assertThat(items.get(1).get("kind").asText()).isEqualTo("send");
      assertThat(f.get("/v1/journeys/vip/stats").get("totals").get("sent").asLong()).isOne();

      Object[][] bad = {
        {"/v1/journeys/nothing/trigger", "{\"userId\":\"ana\"}", 404, null},
        {"/v1/journeys/welcome/trigger", "{\"userId\":\"ana\"}", 400, "journey"},
        {"/v1/journeys/vip/trigger", "{}", 400, "userId"},
        {"/v1/journeys/vip/trigger", "{\"userId\":\"\"}", 400, "userId"},
        {"/v1/journeys/vip/trigger", "{\"userId\":7}", 400, "userId"},
        {"/v1/journeys/vip/trigger", "{\"user_id\":\"ana\"}", 400, "user_id"},
        {"/v1/journeys/vip/trigger", "{\"userId\":\"ana\",\"data\":[1]}", 400, "data"},
        {"/v1/journeys/vip/trigger", "{\"userId\":\"ana\"", 400, "body"},
        {"/v1/journeys/vip/trigger", "[]", 400, "body"},
        {"/v1/journeys/vip/trigger?now=1", "{\"userId\":\"ana\"}", 400, "now"},
      };
      long events = f.count("SELECT COUNT(*) FROM events");
      for (Object[] c : bad) {
        r = f.http.postJson((String) c[0], f.admin, (String) c[1]);
        assertThat(r.status()).as(c[0] + " " + c[1] + ": " + r.body()).isEqualTo(c[2]);
        assertThat(r.contentType()).startsWith("application/problem+json");
        if (c[3] != null) {
          assertThat(r.json().get("errors").get(0).get("field").asText())
              .as(c[0] + " " + c[1])
              .isEqualTo(c[3]);
        }
      }
      r =
          f.http.post(
              "/v1/journeys/vip/trigger",
              f.admin,
              "text/plain",
              "{\"userId\":\"ana\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(r.status()).isEqualTo(415);
      r =
          f.http.post(
              "/v1/journeys/vip/trigger",
              f.admin,
              "application/json",
              new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("body");
      assertThat(f.count("SELECT COUNT(*) FROM events")).isEqualTo(events);
    }
  }
}
