package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store filled by the {@link Seeder} is one the runtime itself wrote: its customers' timers are
 * pending with their states, and a server that starts on it later fires them exactly as the
 * simulator fires the same customers' timers.
 */
class SeederTest {
  private static final long MINUTE = 60_000L;
  private static final long DAY = 86_400_000L;
  private static final int CUSTOMERS = 300;

  /** The examples without the journeys whose decisions depend on other customers. */
  private static final Definitions PER_CUSTOMER =
      TestDefinitions.load(
          Path.of("..", "examples", "journeys"),
          "s07-cross-sell.yaml",
          "s13-retargeting.yaml",
          "s15-sql-handoff.yaml");

  @TempDir Path dir;
  private Database db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void seededTimersFireAsTheSimulatorsDo(StoreKind kind) {
    db = TestStores.open(kind, dir);
    long start = Instant.parse("2026-03-01T09:00:00Z").toEpochMilli();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      long t = start + i * MINUTE;
      String user = "cust-" + i;
      lines.add(track(user, t, "Ebook Downloaded", "{\"ebook\":\"guide\"}"));
      if (i % 3 == 0) {
        lines.add(track(user, t + 1, "Signed Up", "{}"));
      }
      if (i % 5 == 0) {
        lines.add(
            track(
                user,
                t + 2,
                "Order Completed",
                "{\"revenue\":30,\"products\":[{\"product_id\":\"f1\","
                    + "\"category\":\"fridge filters\"}]}"));
      }
    }
    long last = start + (CUSTOMERS - 1) * MINUTE + 2;
    long end = last + 200 * DAY;
    List<Effect> effects = new ArrayList<>();
    List<String> expected = Reference.run(PER_CUSTOMER, lines, end, effects);

    TestDefinitions definitions = new TestDefinitions(PER_CUSTOMER);
    RuntimeSettings settings = RuntimeFixture.settings(2);
    // Seeding: the clock stands at the last message, so nothing is due yet.
    VirtualClock seedClock = new VirtualClock(Instant.ofEpochMilli(last));
    MiniIngest ingest = new MiniIngest("default");
    long pending;
    try (Seeder seeder = new Seeder(settings, db, definitions, seedClock, 100)) {
      List<InputRow> rows = new ArrayList<>();
      for (String l : lines) {
        rows.addAll(ingest.rows(l));
        if (rows.size() >= 150) {
          seeder.append(rows);
          rows.clear();
        }
      }
      seeder.append(rows);
      assertThat(seeder.awaitApplied(RuntimeFixture.IDLE)).isTrue();
      pending = seeder.pendingTimers();
    }
    RuntimeFixture view = RuntimeFixture.viewOf(db);
    assertThat(pending).isEqualTo(view.count("SELECT COUNT(*) FROM timers")).isGreaterThan(0);
    assertThat(view.count("SELECT COUNT(*) FROM identities WHERE kind = 'user'"))
        .isEqualTo(CUSTOMERS);
    assertThat(view.count("SELECT COUNT(*) FROM profiles")).isEqualTo(CUSTOMERS);
    assertThat(view.count("SELECT MAX(seq) FROM partition_cursors")).isEqualTo(lines.size());
    // Every timer-caused effect is still to come.
    assertThat(view.count("SELECT COUNT(*) FROM timeline WHERE input_seq IS NULL")).isZero();

    // A server starting on the seeded store, its clock past every wait.
    try (RuntimeFixture f = RuntimeFixture.resume(db, definitions, settings)) {
      f.clock.set(Instant.ofEpochMilli(end));
      f.idle();
      assertThat(Reference.byProfile(f.trace())).isEqualTo(Reference.byProfile(expected));
      assertThat(f.outboxIds()).isEqualTo(Reference.outboxIds(effects));
      assertThat(f.count("SELECT COUNT(*) FROM timeline WHERE input_seq IS NULL"))
          .isGreaterThanOrEqualTo(CUSTOMERS);
    }
  }

  private static String track(String user, long at, String event, String properties) {
    return "{\"type\":\"track\",\"userId\":\""
        + user
        + "\",\"event\":\""
        + event
        + "\",\"timestamp\":\""
        + Instant.ofEpochMilli(at)
        + "\",\"messageId\":\""
        + user
        + "-"
        + at
        + "\",\"properties\":"
        + properties
        + "}";
  }
}
