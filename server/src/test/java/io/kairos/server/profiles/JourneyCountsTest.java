package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journey stats' counters ({@code journey_counts}) against what they count: after every batch
 * and every erasure they hold exactly the sums of the timeline rows that are left, recomputed here
 * row by row; the migration that fills them for an older store computes the same sums; and a stats
 * window must start and end on a quarter hour.
 */
class JourneyCountsTest {
  private static final long QUARTER = 15 * 60_000L;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theCountersAreTheSumsOfTheTimelineThroughEveryErasure(StoreKind kind) {
    try (ProfilesFixture f = run(kind, "s20-pacing.jsonl")) {
      Map<String, List<Double>> before = fromTimeline(f);
      // The pacing example defers messages, some twice: both kinds of counter are exercised.
      assertThat(before.keySet()).anyMatch(k -> k.endsWith("|deferred_messages"));
      assertThat(before.keySet()).anyMatch(k -> k.endsWith("|deferred"));
      assertThat(counters(f)).isEqualTo(before);
      eraseEveryone(f);
      assertThat(fromTimeline(f)).isEmpty();
      assertThat(counters(f)).isEmpty();
      JsonNode promo = f.get("/v1/journeys/pacing-promo/stats").get("totals");
      assertThat(promo.get("entered").asLong()).isZero();
      assertThat(promo.get("deferred_messages").asLong()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void heldOutConversionsAndRevenueLeaveWithTheirCustomer(StoreKind kind) {
    try (ProfilesFixture f = run(kind, "s21-trial-conversion.jsonl")) {
      Map<String, List<Double>> before = fromTimeline(f);
      assertThat(before.values()).anyMatch(v -> v.get(1) > 0); // held-out conversions
      assertThat(before.values()).anyMatch(v -> v.get(2) > 0); // revenue
      assertThat(counters(f)).isEqualTo(before);
      eraseEveryone(f);
      assertThat(counters(f)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theMigrationFillsTheCountersAsTheRuntimeKeepsThem(StoreKind kind) {
    try (ProfilesFixture f = run(kind, "s20-pacing.jsonl")) {
      Map<String, List<Double>> kept = counters(f);
      assertThat(kept).isNotEmpty();
      // Its statements, without the comments (which may hold a semicolon).
      String migration = migration(kind).replaceAll("(?m)^\\s*--.*$", "");
      f.server
          .database()
          .transaction(
              c -> {
                try (Statement s = c.createStatement()) {
                  s.executeUpdate("DELETE FROM journey_counts");
                  for (String sql : migration.split(";")) {
                    String statement = sql.trim();
                    if (statement.startsWith("INSERT INTO journey_counts")) {
                      s.executeUpdate(statement);
                    }
                  }
                }
                return null;
              });
      assertThat(counters(f)).isEqualTo(kept);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWindowOffTheQuarterHourIsRefusedNamingTheField(StoreKind kind) {
    try (ProfilesFixture f = run(kind, "s20-pacing.jsonl")) {
      Http.Response r =
          f.http.get("/v1/journeys/pacing-promo/stats?from=2026-03-04T00:10:00Z", f.read);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).contains("\"from\"").contains("quarter hour");
      r = f.http.get("/v1/stats/journeys?to=2026-03-04T00:15:01Z", f.read);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).contains("\"to\"");
      JsonNode ok = f.get("/v1/journeys/pacing-promo/stats?from=2026-03-04T00:45:00Z");
      assertThat(ok.get("from").asText()).isEqualTo("2026-03-04T00:45:00Z");
    }
  }

  /** A server that ran an example timeline, the clock at its last event. */
  private ProfilesFixture run(StoreKind kind, String timeline) {
    ProfilesFixture f =
        new ProfilesFixture(kind, dir, true, c -> c.set("ingest.past_tolerance", "8760h"));
    List<String> lines = ProfilesFixture.lines(timeline);
    String last = lines.get(lines.size() - 1);
    f.clock.set(
        java.time.Instant.ofEpochMilli(
            Timestamps.parse(ProfilesFixture.json(last).get("timestamp").asText())));
    f.feed(lines);
    f.idle();
    return f;
  }

  private static void eraseEveryone(ProfilesFixture f) {
    List<String> ids =
        f.server
            .database()
            .read(
                c -> {
                  List<String> out = new ArrayList<>();
                  try (PreparedStatement ps =
                          c.prepareStatement(
                              "SELECT id FROM profiles WHERE merged_into IS NULL ORDER BY id");
                      ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      out.add(rs.getString(1));
                    }
                  }
                  return out;
                });
    assertThat(ids).isNotEmpty();
    for (String id : ids) {
      Http.Response r = f.http.delete("/v1/profiles/" + id, f.admin);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      f.idle();
      // After each erasure, not only at the end.
      assertThat(counters(f)).as("after erasing %s", id).isEqualTo(fromTimeline(f));
    }
  }

  /**
   * The non-zero counters summed over partitions, by journey|version|step|bucket|kind: n, held,
   * revenue, held revenue.
   */
  private static Map<String, List<Double>> counters(ProfilesFixture f) {
    return f.server
        .database()
        .read(
            c -> {
              Map<String, List<Double>> out = new TreeMap<>();
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT journey, version, step, bucket, kind, SUM(n), SUM(held),"
                              + " SUM(revenue), SUM(held_revenue) FROM journey_counts"
                              + " GROUP BY journey, version, step, bucket, kind"
                              + " HAVING SUM(n) <> 0");
                  ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  String key =
                      String.join(
                          "|",
                          rs.getString(1),
                          rs.getString(2),
                          rs.getString(3),
                          Long.toString(rs.getLong(4)),
                          rs.getString(5));
                  out.put(
                      key,
                      List.of(
                          (double) rs.getLong(6),
                          (double) rs.getLong(7),
                          rs.getDouble(8),
                          rs.getDouble(9)));
                }
              }
              return out;
            });
  }

  /** The same sums, computed here from every timeline row (the definition in docs/api.md). */
  private static Map<String, List<Double>> fromTimeline(ProfilesFixture f) {
    Map<String, double[]> sums = new TreeMap<>();
    Map<String, Long> firstDeferral = new TreeMap<>();
    f.server
        .database()
        .read(
            c -> {
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT journey, version, step, at, kind, revenue, detail, message_id"
                              + " FROM timeline WHERE journey IS NOT NULL");
                  ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  String kind = rs.getString(5);
                  if (!List.of(
                          "entered",
                          "entry_refused",
                          "completed",
                          "exited",
                          "send",
                          "deferred",
                          "skipped",
                          "converted")
                      .contains(kind)) {
                    continue;
                  }
                  String group =
                      String.join(
                          "|", rs.getString(1), orEmpty(rs.getString(2)), orEmpty(rs.getString(3)));
                  long at = rs.getLong(4);
                  double[] s =
                      sums.computeIfAbsent(
                          group + "|" + Math.floorDiv(at, QUARTER) * QUARTER + "|" + kind,
                          k -> new double[4]);
                  s[0]++;
                  if (kind.equals("converted")) {
                    if (json(rs.getString(7)).get("holdout").asBoolean()) {
                      s[1]++;
                      s[3] += rs.getDouble(6);
                    } else {
                      s[2] += rs.getDouble(6);
                    }
                  } else if (kind.equals("deferred")) {
                    firstDeferral.merge(group + "|" + rs.getString(8), at, Math::min);
                  }
                }
              }
              return null;
            });
    firstDeferral.forEach(
        (k, at) -> {
          String group = k.substring(0, k.lastIndexOf('|'));
          String key = group + "|" + Math.floorDiv(at, QUARTER) * QUARTER + "|deferred_messages";
          sums.computeIfAbsent(key, x -> new double[4])[0]++;
        });
    Map<String, List<Double>> out = new TreeMap<>();
    sums.forEach((k, v) -> out.put(k, List.of(v[0], v[1], v[2], v[3])));
    return out;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static JsonNode json(String text) {
    return ProfilesFixture.json(text);
  }

  private static String migration(StoreKind kind) {
    String path =
        "/db/migration/"
            + (kind == StoreKind.SQLITE ? "sqlite" : "postgresql")
            + "/V9__journey_counts.sql";
    try (InputStream in = JourneyCountsTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
