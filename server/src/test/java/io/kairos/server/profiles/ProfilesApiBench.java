package io.kairos.server.profiles;

import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The numbers of docs/api.md ("How fast"): 100,000 profiles and 1,000,000 timeline rows of one
 * journey written straight into the store, then each read route timed over HTTP (median of 7). Not
 * part of the suite; run it with
 *
 * <pre>
 * mvn -B -ntp -q -pl server -am test -Dtest=ProfilesApiBench -Dsurefire.failIfNoSpecifiedTests=false -Dkairos.bench=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "kairos.bench", matches = "true")
class ProfilesApiBench {
  private static final int PROFILES = 100_000;
  private static final String[] KINDS = {
    "entered",
    "send",
    "deferred",
    "skipped",
    "completed",
    "waiting",
    "converted",
    "exited",
    "branch",
    "resumed"
  };

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void readRoutes(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, true)) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(
          List.of(
              "{\"type\":\"identify\",\"userId\":\"seed\",\"timestamp\":\"2026-03-02T10:00:00Z\"}"));
      f.idle();
      Database db = f.server.database();
      byte[] state =
          db.read(
              c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT state FROM profiles WHERE id = 'seed'");
                    ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getBytes(1);
                }
              });
      db.transaction(
          c -> {
            // The seed's rows are there already: the rows below get the ids after them.
            long base;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM timeline");
                ResultSet rs = ps.executeQuery()) {
              rs.next();
              base = rs.getLong(1);
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO profiles (workspace, id, partition, user_id, traits, state,"
                        + " updated_at, timeline_head) VALUES ('default', ?, 0, ?, ?, ?, 0, ?)")) {
              for (int i = 0; i < PROFILES; i++) {
                String id = String.format("u%06d", i);
                ps.setString(1, id);
                ps.setString(2, id);
                ps.setString(
                    3,
                    "{\"email\":\""
                        + id
                        + "@example.com\",\"plan\":\""
                        + (i % 10 == 0 ? "pro" : "free")
                        + "\",\"address\":{\"city\":\"c"
                        + (i % 100)
                        + "\"}}");
                ps.setBytes(4, state);
                // Its newest timeline row, as the runtime links them (below).
                ps.setLong(5, base + (long) (i + 1) * KINDS.length);
                ps.addBatch();
                if (i % 5000 == 4999) {
                  ps.executeBatch();
                }
              }
              ps.executeBatch();
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO timeline (workspace, profile, at, kind, journey, version, step,"
                        + " message_id, revenue, input_seq, detail, id, prev_id)"
                        + " VALUES ('default', ?, ?, ?, 'pacing-promo', 'v1', ?, ?, ?, NULL, ?,"
                        + " ?, ?)")) {
              for (int i = 0; i < PROFILES; i++) {
                String id = String.format("u%06d", i);
                for (int k = 0; k < KINDS.length; k++) {
                  ps.setString(1, id);
                  ps.setLong(2, 1772445600000L + i * 1000L + k);
                  ps.setString(3, KINDS[k]);
                  ps.setString(4, k == 0 ? "trigger" : "step-1");
                  ps.setString(5, "m" + i);
                  if (k == 6) {
                    ps.setDouble(6, 10.0);
                  } else {
                    ps.setNull(6, Types.DOUBLE);
                  }
                  ps.setString(
                      7,
                      "{\"summary\":\"s\",\"reason\":\"a reason as long as a real one\","
                          + "\"instance\":1,\"holdout\":"
                          + (i % 5 == 0)
                          + "}");
                  long rowId = base + (long) i * KINDS.length + k + 1;
                  ps.setLong(8, rowId);
                  if (k == 0) {
                    ps.setNull(9, Types.BIGINT);
                  } else {
                    ps.setLong(9, rowId - 1);
                  }
                  ps.addBatch();
                }
                if (i % 1000 == 999) {
                  ps.executeBatch();
                }
              }
              ps.executeBatch();
            }
            return null;
          });
      if (kind == StoreKind.POSTGRES) {
        db.read(
            c -> {
              try (var s = c.createStatement()) {
                // The ids were given above: the sequence goes on after them.
                s.execute(
                    "SELECT setval(pg_get_serial_sequence('timeline', 'id'),"
                        + " (SELECT MAX(id) FROM timeline))");
                s.execute("ANALYZE");
              }
              return null;
            });
      }
      for (String path :
          List.of(
              "/v1/profiles/u050000",
              "/v1/profiles?user_id=u050000",
              "/v1/profiles?anonymous_id=u050000",
              "/v1/profiles?email=u050000%40example.com",
              "/v1/profiles?trait.plan=pro&limit=50",
              "/v1/profiles?trait.address.city=c7&trait.plan=free&limit=50",
              "/v1/profiles/u050000/timeline",
              "/v1/journeys/pacing-promo/stats",
              "/v1/stats/journeys")) {
        long[] ms = new long[7];
        int status = 0;
        for (int i = 0; i < ms.length; i++) {
          long start = System.nanoTime();
          status = f.http.get(path, f.admin).status();
          ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        if (path.endsWith("/timeline")) {
          // The rows are found through their links: the page is full.
          String body = f.http.get(path, f.admin).body();
          if (!body.contains("pacing-promo")) {
            throw new AssertionError("the timeline is empty: " + body);
          }
        }
        Arrays.sort(ms);
        System.out.printf("%s %-62s %d median %d ms%n", kind, path, status, ms[ms.length / 2]);
      }
    }
  }
}
