package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code DELETE /v1/profiles/{id}}: the profile, its events, messages and timeline — also those of
 * the visitor it was — are gone from every route and from the store, an audit record says who
 * asked, and other customers are untouched. An erasure the runtime has not applied yet is answered
 * 202 and still happens, also across a restart.
 */
class EraseApiTest {
  @TempDir Path dir;

  private static final List<String> EVENTS =
      List.of(
          "{\"type\":\"track\",\"anonymousId\":\"visitor-9\",\"event\":\"Product Viewed\","
              + "\"timestamp\":\"2026-03-02T09:00:00Z\"}",
          "{\"type\":\"identify\",\"userId\":\"ana\",\"anonymousId\":\"visitor-9\","
              + "\"timestamp\":\"2026-03-02T09:00:00Z\",\"traits\":{\"email\":\"ana@example.com\"}}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Signed Up\","
              + "\"timestamp\":\"2026-03-02T09:00:00Z\"}",
          "{\"type\":\"track\",\"userId\":\"ana\",\"event\":\"Product Added\","
              + "\"timestamp\":\"2026-03-02T09:00:00Z\",\"properties\":{\"product_id\":\"p1\"}}",
          "{\"type\":\"identify\",\"userId\":\"bob\","
              + "\"timestamp\":\"2026-03-02T09:00:00Z\",\"traits\":{\"email\":\"bob@example.com\"}}",
          "{\"type\":\"track\",\"userId\":\"bob\",\"event\":\"Signed Up\","
              + "\"timestamp\":\"2026-03-02T09:00:00Z\"}");

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anErasedProfileIsGoneFromEveryRouteAndAudited(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, true)) {
      f.at("2026-03-02T09:00:00Z");
      f.feed(EVENTS);
      f.idle();
      // In flight: the welcome waits a day, the abandoned cart an hour.
      JsonNode journeys = f.get("/v1/profiles/ana").get("journeys");
      List<String> inFlight = new java.util.ArrayList<>();
      journeys.forEach(
          j ->
              inFlight.add(
                  j.get("journey").asText()
                      + " "
                      + j.get("state").asText()
                      + " "
                      + j.get("entered_at").asText()
                      + " "
                      + j.get("until").asText()));
      assertThat(inFlight)
          .contains(
              "welcome waiting 2026-03-02T09:00:00Z 2026-03-03T09:00:00Z",
              "abandoned-cart waiting 2026-03-02T09:00:00Z 2026-03-02T10:00:00Z");
      assertThat(journeys.get(0).get("version").asText()).hasSize(12);
      assertThat(journeys.get(0).get("instance").asInt()).isPositive();
      f.at("2026-03-02T10:00:00Z"); // the cart reminder of ana goes out
      f.idle();
      assertThat(f.get("/v1/profiles/ana/timeline").get("items").size()).isGreaterThan(5);
      assertThat(f.count("SELECT COUNT(*) FROM outbox WHERE profile = 'ana'")).isPositive();
      assertThat(
              f.count("SELECT COUNT(*) FROM events WHERE profile = 'visitor-9' AND type = 'track'"))
          .isOne();
      String bobBefore = f.http.get("/v1/profiles/bob/timeline", f.read).body();

      Http.Response r = f.http.delete("/v1/profiles/ana", f.read);
      assertThat(r.status()).isEqualTo(403);
      r = f.http.delete("/v1/profiles/ana", f.admin);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode body = r.json();
      assertThat(body.get("status").asText()).isEqualTo("erased");
      assertThat(body.get("id").asText()).isEqualTo("ana");
      long seq = body.get("seq").asLong();
      assertThat(seq).isPositive();

      f.get("/v1/profiles/ana", f.read, 404);
      f.get("/v1/profiles/ana/timeline", f.read, 404);
      f.get("/v1/profiles/visitor-9/timeline", f.read, 404);
      assertThat(f.get("/v1/profiles?user_id=ana").get("profiles")).isEmpty();
      assertThat(f.get("/v1/profiles?anonymous_id=visitor-9").get("profiles")).isEmpty();
      assertThat(f.get("/v1/profiles?email=ana%40example.com").get("profiles")).isEmpty();
      f.get("/v1/profiles/ana", f.admin, 404);
      assertThat(f.http.delete("/v1/profiles/ana", f.admin).status()).isEqualTo(404);
      for (String table : List.of("outbox", "timeline", "timers", "profiles", "identities")) {
        String column = table.equals("profiles") ? "id" : "profile";
        assertThat(
                f.count(
                    "SELECT COUNT(*) FROM "
                        + table
                        + " WHERE "
                        + column
                        + " IN ('ana', 'visitor-9')"))
            .as(table)
            .isZero();
      }
      assertThat(
              f.count(
                  "SELECT COUNT(*) FROM events WHERE profile IN ('ana', 'visitor-9')"
                      + " AND type <> 'erase'"))
          .isZero();

      JsonNode audit = f.get("/v1/audit", f.admin, 200);
      assertThat(audit.get("records")).hasSize(1);
      JsonNode rec = audit.get("records").get(0);
      assertThat(rec.get("action").asText()).isEqualTo("profile.erased");
      assertThat(rec.get("subject").asText()).isEqualTo("ana");
      assertThat(rec.get("actor").asText()).isEqualTo(adminKeyId(f));
      assertThat(rec.get("detail").get("erase_seq").asLong()).isEqualTo(seq);
      assertThat(rec.get("detail").get("ids").toString()).contains("visitor-9");
      assertThat(rec.get("at").asText()).isEqualTo("2026-03-02T10:00:00Z");
      assertThat(f.http.get("/v1/audit", f.read).status()).isEqualTo(403);

      // Bob is untouched.
      assertThat(f.get("/v1/profiles/bob").get("user_id").asText()).isEqualTo("bob");
      assertThat(f.http.get("/v1/profiles/bob/timeline", f.read).body()).isEqualTo(bobBefore);
      assertThat(f.count("SELECT COUNT(*) FROM outbox WHERE profile = 'bob'")).isPositive();

      // Stats no longer count her.
      JsonNode welcome = f.get("/v1/journeys/welcome/stats");
      assertThat(welcome.get("totals").get("entered").asLong()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anErasureNotYetAppliedIsAcceptedAndHappensAfterARestart(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, false)) {
      f.at("2026-03-02T09:00:00Z");
      f.feed(EVENTS);
      f.idle();
      // No writer is running: the request is logged, not applied.
      f.server.runtime().stop();
      Http.Response r = f.http.delete("/v1/profiles/bob", f.admin);
      assertThat(r.status()).as(r.body()).isEqualTo(202);
      assertThat(r.json().get("status").asText()).isEqualTo("pending");
      long seq = r.json().get("seq").asLong();
      assertThat(f.count("SELECT COUNT(*) FROM events WHERE type = 'erase' AND seq = " + seq))
          .isOne();
      assertThat(f.get("/v1/profiles/bob").get("id").asText()).isEqualTo("bob");
      assertThat(f.get("/v1/audit?subject=bob&action=profile.erased", f.admin, 200).get("records"))
          .isEmpty();

      // A log that takes nothing (ingestion stopped) logs nothing: 503, send it again.
      f.server.ingestion().stop();
      long events = f.count("SELECT COUNT(*) FROM events");
      r = f.http.delete("/v1/profiles/ana", f.admin);
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.json().get("detail").asText()).contains("nothing was logged");
      assertThat(r.retryAfter()).isEqualTo("5");
      assertThat(f.count("SELECT COUNT(*) FROM events")).isEqualTo(events);

      f.restart();
      f.idle();
      f.get("/v1/profiles/bob", f.read, 404);
      assertThat(f.get("/v1/audit?subject=bob", f.admin, 200).get("records")).hasSize(1);
      assertThat(f.get("/v1/profiles/ana").get("id").asText()).isEqualTo("ana");
    }
  }

  private static String adminKeyId(ProfilesFixture f) {
    // Key secrets are kairos_<id>_<secret>.
    String s = f.admin.substring("kairos_".length());
    return s.substring(0, s.indexOf('_'));
  }
}
