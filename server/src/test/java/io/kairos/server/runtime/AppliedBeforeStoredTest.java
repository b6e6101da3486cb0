package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.KairosServer;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.ingest.Partitioner;
import io.kairos.server.store.Database;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A tracked message is routed and numbered before it is logged, and the partitions apply it as soon
 * as it is on disk: its decisions may be committed before its {@code events} row. The store then
 * gets the row under the seq the decisions name, also when the server stops (or is killed) before
 * it was stored: the next start stores it from the ingest log, and nothing is applied twice.
 *
 * <p>The store is made to refuse {@code events} rows with a trigger, so the ingest writer cannot
 * store what it logged while the partitions go on.
 */
class AppliedBeforeStoredTest {
  @TempDir Path dir;

  private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

  private static String message(String type, String user, String anonymous, String id) {
    return "{\"type\":\""
        + type
        + "\""
        + (user == null ? "" : ",\"userId\":\"" + user + "\"")
        + (anonymous == null ? "" : ",\"anonymousId\":\"" + anonymous + "\"")
        + (type.equals("track") ? ",\"event\":\"Viewed Product\"" : "")
        + ",\"messageId\":\""
        + id
        + "\",\"timestamp\":\"2026-03-02T10:00:00Z\"}";
  }

  private static void holdEvents(Database db, boolean hold) {
    db.transaction(
        c -> {
          try (Statement st = c.createStatement()) {
            if (db.kind() == Database.Kind.SQLITE) {
              st.execute(
                  hold
                      ? "CREATE TRIGGER hold_events BEFORE INSERT ON events"
                          + " BEGIN SELECT RAISE(ABORT, 'held by the test'); END"
                      : "DROP TRIGGER hold_events");
            } else if (hold) {
              st.execute(
                  "CREATE FUNCTION hold_events() RETURNS trigger AS $$"
                      + " BEGIN RAISE EXCEPTION 'held by the test'; END $$ LANGUAGE plpgsql");
              st.execute(
                  "CREATE TRIGGER hold_events BEFORE INSERT ON events"
                      + " FOR EACH ROW EXECUTE FUNCTION hold_events()");
            } else {
              st.execute("DROP TRIGGER hold_events ON events");
              st.execute("DROP FUNCTION hold_events()");
            }
          }
          return null;
        });
  }

  private static long count(Database db, String sql) {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** Timeline rows per input seq: what the engine decided for each log row. */
  private static Map<Long, Long> decisionsBySeq(Database db) {
    return db.read(
        c -> {
          Map<Long, Long> out = new LinkedHashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT input_seq, COUNT(*) FROM timeline WHERE input_seq IS NOT NULL"
                          + " GROUP BY input_seq ORDER BY input_seq");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getLong(1), rs.getLong(2));
            }
          }
          return out;
        });
  }

  private static List<String> events(Database db) {
    return db.read(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT seq, partition, profile, type, merge_from FROM events ORDER BY seq");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  rs.getLong(1)
                      + " p"
                      + rs.getInt(2)
                      + " "
                      + rs.getString(3)
                      + " "
                      + rs.getString(4)
                      + (rs.getString(5) == null ? "" : " from " + rs.getString(5)));
            }
          }
          return out;
        });
  }

  private static void awaitApplied(KairosServer server, long seq) throws InterruptedException {
    int partitions = server.config().partitions();
    for (int p = 0; p < partitions; p++) {
      assertThat(
              server
                  .runtime()
                  .progress()
                  .awaitMark(p, seq, TimeUnit.SECONDS.toNanos(RuntimeFixture.IDLE.toSeconds())))
          .as("partition %d applied up to seq %d", p, seq)
          .isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theEngineDecidesOnAnAcknowledgedEventBeforeTheStoreHasIt(StoreKind kind) throws Exception {
    VirtualClock clock = new VirtualClock(START);
    try (KairosServer server = KairosServer.start(TestStores.config(kind, dir).build(), clock)) {
      Database db = server.database();
      String key =
          server.workspaces().createKey(Workspaces.DEFAULT, Scope.INGEST, "ingest").secret();
      Http http = new Http(server.port());
      holdEvents(db, true);

      assertThat(http.postJson("/v1/track", key, message("track", "ana", null, "m-1")).status())
          .isEqualTo(200);
      awaitApplied(server, 1);
      // Decided and committed; the log row is not in the store yet.
      assertThat(count(db, "SELECT COUNT(*) FROM events")).isZero();
      assertThat(decisionsBySeq(db)).containsOnlyKeys(1L);
      assertThat(count(db, "SELECT COUNT(*) FROM profiles WHERE id = 'ana'")).isOne();
      assertThat(server.inputLog().lastCommittedSeq()).isZero();
      Map<Long, Long> decided = decisionsBySeq(db);

      holdEvents(db, false);
      assertThat(server.ingestion().eventLog().awaitStored(RuntimeFixture.IDLE)).isEqualTo(1);
      int partition = new Partitioner(server.config().partitions()).partition("default", "ana");
      assertThat(events(db)).containsExactly("1 p" + partition + " ana track");
      assertThat(server.runtime().awaitIdle(RuntimeFixture.IDLE)).isTrue();
      assertThat(decisionsBySeq(db)).isEqualTo(decided);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStopBeforeTheStoreHasTheRowsLosesNothingAndAppliesNothingTwice(StoreKind kind)
      throws Exception {
    ServerConfig config = TestStores.config(kind, dir).build();
    VirtualClock clock = new VirtualClock(START);
    Map<Long, Long> decided;
    String key;
    try (KairosServer server = KairosServer.start(config, clock)) {
      Database db = server.database();
      key = server.workspaces().createKey(Workspaces.DEFAULT, Scope.INGEST, "ingest").secret();
      Http http = new Http(server.port());
      holdEvents(db, true);
      // A visitor (seq 1), who then signs in: the merge's marker in the visitor's partition (2)
      // and the identify in the customer's (3); then each of two customers (4, 5).
      for (String m :
          List.of(
              message("track", null, "visitor-1", "m-1"),
              message("identify", "cleo", "visitor-1", "m-2"),
              message("track", "cleo", null, "m-3"),
              message("track", "dan", null, "m-4"))) {
        assertThat(http.postJson("/v1/batch", key, "{\"batch\":[" + m + "]}").status())
            .isEqualTo(200);
      }
      awaitApplied(server, 5);
      assertThat(count(db, "SELECT COUNT(*) FROM events")).isZero();
      decided = decisionsBySeq(db);
      assertThat(decided).containsKeys(1L, 3L, 4L, 5L);
      // The merge was applied from memory: the visitor's profile went into cleo's.
      assertThat(count(db, "SELECT COUNT(*) FROM profiles WHERE id = 'visitor-1'")).isZero();
    }
    // As a kill -9 would: stopped with everything acknowledged only in the ingest log.
    try (Database db = Database.open(config)) {
      assertThat(count(db, "SELECT COUNT(*) FROM events")).isZero();
      holdEvents(db, false);
    }

    try (KairosServer server = KairosServer.start(config, clock)) {
      Database db = server.database();
      Partitioner partitioner = new Partitioner(server.config().partitions());
      int visitor = partitioner.partition("default", "visitor-1");
      int cleo = partitioner.partition("default", "cleo");
      int dan = partitioner.partition("default", "dan");
      // Stored during the start under the seqs the decisions name.
      assertThat(events(db))
          .containsExactly(
              "1 p" + visitor + " visitor-1 track",
              "2 p" + visitor + " visitor-1 merge_out",
              "3 p" + cleo + " cleo identify from visitor-1",
              "4 p" + cleo + " cleo track",
              "5 p" + dan + " dan track");
      assertThat(server.runtime().awaitIdle(RuntimeFixture.IDLE)).isTrue();
      assertThat(decisionsBySeq(db)).isEqualTo(decided);
      RuntimeFixture.viewOf(db).assertTimelinesLinked();

      // New rows take seqs after them.
      Http http = new Http(server.port());
      assertThat(http.postJson("/v1/track", key, message("track", "dan", null, "m-5")).status())
          .isEqualTo(200);
      assertThat(server.ingestion().eventLog().awaitStored(RuntimeFixture.IDLE)).isEqualTo(6);
      assertThat(server.runtime().awaitIdle(RuntimeFixture.IDLE)).isTrue();
      assertThat(decisionsBySeq(db)).containsKey(6L);
      // A repeat of a message stored at the start is a duplicate.
      Http.Response repeat = http.postJson("/v1/track", key, message("track", "dan", null, "m-4"));
      assertThat(repeat.json().get("duplicates").asInt()).isOne();
    }
  }
}
