package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.server.ops.Metrics;
import io.kairos.server.store.Database;
import io.kairos.server.store.TimelineChain;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A live runtime over a fresh store for tests: a virtual clock, the direct input log, helpers to
 * feed timeline lines and read back what the runtime wrote, and restarts (graceful or halted).
 */
final class RuntimeFixture implements AutoCloseable {
  static final Duration IDLE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  final Database db;
  final VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
  final TestDefinitions definitions;
  final RuntimeSettings settings;
  final MiniIngest ingest;
  DirectInputLog log;
  LiveRuntime runtime;

  /** The registry the runtime reports to (a new one at every start). */
  Metrics metrics;

  /** How states are stored; a test may swap in one that fails. */
  StateFormat format = StateFormat.CODEC;

  private final boolean ownsStore;

  /** A runtime over a new store of its own. */
  RuntimeFixture(StoreKind kind, Path dir, TestDefinitions definitions, RuntimeSettings settings) {
    this(TestStores.open(kind, dir), true, definitions, settings);
  }

  /**
   * A runtime over {@code db}, emptied first (cheaper than a new PostgreSQL database per case); the
   * caller closes the store.
   */
  RuntimeFixture(Database db, TestDefinitions definitions, RuntimeSettings settings) {
    this(empty(db), false, definitions, settings);
  }

  private RuntimeFixture(
      Database db, boolean ownsStore, TestDefinitions definitions, RuntimeSettings settings) {
    this.db = db;
    this.ownsStore = ownsStore;
    this.definitions = definitions;
    this.settings = settings;
    this.ingest = new MiniIngest("default");
    if (definitions != null) {
      start();
    }
  }

  /**
   * A runtime over {@code db} as it is (a server restarting on a store another process filled); the
   * caller closes the store.
   */
  static RuntimeFixture resume(Database db, TestDefinitions definitions, RuntimeSettings settings) {
    return new RuntimeFixture(db, false, definitions, settings);
  }

  /** Only the read helpers ({@link #trace}, {@link #count}...) over a store; no runtime. */
  static RuntimeFixture viewOf(Database db) {
    return new RuntimeFixture(db, false, null, null);
  }

  private static Database empty(Database db) {
    db.transaction(
        c -> {
          for (String table :
              List.of(
                  "events",
                  "message_ids",
                  "identities",
                  "partition_cursors",
                  "profiles",
                  "timers",
                  "outbox",
                  "timeline",
                  "audit_log")) {
            try (var s = c.createStatement()) {
              s.executeUpdate("DELETE FROM " + table);
            }
          }
          return null;
        });
    return db;
  }

  static RuntimeSettings settings(int partitions) {
    return settings(partitions, 500, 10_000);
  }

  static RuntimeSettings settings(int partitions, int batchSize, int timerWindow) {
    return settings(partitions, batchSize, timerWindow, 256L << 20);
  }

  /** With the profile cache's heap bounded to {@code cacheBytes}. */
  static RuntimeSettings settings(int partitions, int batchSize, int timerWindow, long cacheBytes) {
    return new RuntimeSettings(
        partitions,
        batchSize,
        timerWindow,
        100_000,
        cacheBytes,
        Duration.ofHours(72),
        Duration.ofSeconds(30));
  }

  /** Starts a runtime over the store (as a new process would). */
  void start() {
    log = new DirectInputLog(db, PartitionFunction.hashing(settings.partitions()));
    metrics = new Metrics();
    runtime = new LiveRuntime(settings, db, definitions, log, clock, metrics, format);
    runtime.start();
  }

  /** Emulates a crash: nothing in flight commits; then starts anew on the same store. */
  void crashAndRestart() {
    runtime.halt();
    start();
  }

  /** A graceful stop and a new start. */
  void restart() {
    runtime.stop();
    start();
  }

  /** Appends the rows of these timeline lines to the log. */
  long feed(List<String> lines) {
    List<InputRow> rows = new ArrayList<>();
    for (String l : lines) {
      rows.addAll(ingest.rows(l));
    }
    return log.append(rows);
  }

  void at(String time) {
    clock.set(Instant.parse(time));
  }

  void idle() {
    assertThat(runtime.awaitIdle(IDLE)).as("runtime idle within %s", IDLE).isTrue();
  }

  /** The engine's effects in the timeline, as {@link Reference#line}s, in the order written. */
  List<String> trace() {
    return db.read(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT profile, at, journey, step, detail FROM timeline"
                      + " WHERE journey IS NOT NULL ORDER BY id")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                JsonNode d = json(rs.getString(5));
                out.add(
                    Reference.line(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        d.get("summary").asText(),
                        d.get("reason").asText()));
              }
            }
          }
          return out;
        });
  }

  /** Timeline rows of a kind: "profile at" per row. */
  List<String> notes(String kind) {
    return db.read(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement("SELECT profile, at FROM timeline WHERE kind = ? ORDER BY id")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1) + " " + Timestamps.formatSeconds(rs.getLong(2)));
              }
            }
          }
          return out;
        });
  }

  /** Ids in the outbox, sorted. */
  java.util.Set<String> outboxIds() {
    return db.read(
        c -> {
          java.util.Set<String> ids = new java.util.TreeSet<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT message_id FROM outbox");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          return ids;
        });
  }

  /**
   * The timeline's rows are all linked: each profile's chain, followed from its head, holds every
   * row stored under its id; no row is on two profiles' chains; and every row is on one, or is an
   * error row (found by the partial index). The store has no index by profile to fall back on.
   */
  void assertTimelinesLinked() {
    List<String> profiles = new ArrayList<>();
    db.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id FROM profiles WHERE workspace = 'default' ORDER BY id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              profiles.add(rs.getString(1));
            }
          }
          return null;
        });
    Set<Long> reached = new HashSet<>();
    for (String p : profiles) {
      Set<Long> chain =
          ids(
              TimelineChain.with(TimelineChain.startOfProfiles(1)) + "SELECT id FROM chain",
              "default",
              p,
              "default",
              p);
      assertThat(chain)
          .as("the chain of %s holds its rows", p)
          .containsAll(ids("SELECT id FROM timeline WHERE profile = ?", p));
      for (long id : chain) {
        assertThat(reached.add(id)).as("row %d on one chain only (%s)", id, p).isTrue();
      }
    }
    reached.addAll(ids("SELECT id FROM timeline WHERE kind = 'error'"));
    assertThat(reached).isEqualTo(ids("SELECT id FROM timeline"));
  }

  private Set<Long> ids(String sql, String... args) {
    return db.read(
        c -> {
          Set<Long> out = new HashSet<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
              ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getLong(1));
              }
            }
          }
          return out;
        });
  }

  long count(String sql) {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (runtime != null) {
      runtime.stop();
    }
    if (ownsStore) {
      db.close();
    }
  }
}
