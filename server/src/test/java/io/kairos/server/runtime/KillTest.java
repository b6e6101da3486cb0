package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.server.ops.Metrics;
import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runtime in a child process, killed with SIGKILL at random moments (seeded: before, during or
 * right after a commit) and started again, twice over; then a last run finishes the log. Every
 * customer ends with exactly the simulator's effects: nothing applied twice, nothing lost, no
 * journey entry or outbox message duplicated, every overdue timer fired once.
 */
class KillTest {
  /** Two partitions, small batches: many commits to be killed in, merges across partitions. */
  static final RuntimeSettings SETTINGS = RuntimeFixture.settings(2, 10, 10_000);

  /** The examples without what depends on other customers (see RestartTest). */
  static final Definitions DEFINITIONS =
      TestDefinitions.load(
          Path.of("..", "examples", "journeys"),
          "s07-cross-sell.yaml",
          "s13-retargeting.yaml",
          "s15-sql-handoff.yaml");

  private static final long DAY = 86_400_000L;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void killedAtRandomMomentsItEndsWithTheSimulatorsEffects(StoreKind kind) throws Exception {
    List<String> where = new ArrayList<>();
    Database db;
    if (kind == StoreKind.SQLITE) {
      Path file = dir.resolve("kairos.db");
      db = Database.sqlite(file, "FULL");
      where.addAll(List.of("sqlite", file.toString()));
    } else {
      String url = TestStores.newPostgresDatabase();
      db = Database.postgres(url, "postgres", null);
      where.addAll(List.of("postgres", url));
    }
    try (db) {
      List<String> lines = RandomTimelines.timeline(17, 12, 220);
      long end = RandomTimelines.lastTimestamp(lines) + 40 * DAY;
      List<String> expected = Reference.run(DEFINITIONS, lines, end);
      MiniIngest ingest = new MiniIngest("default");
      List<InputRow> rows = new ArrayList<>();
      for (String l : lines) {
        rows.addAll(ingest.rows(l));
      }
      new DirectInputLog(db, PartitionFunction.hashing(SETTINGS.partitions())).append(rows);

      Random rnd = new Random(kind.ordinal() + 1);
      int killed = 0;
      for (int round = 0; round < 2; round++) {
        if (runAndKill(where, Instant.ofEpochMilli(end), 1 + rnd.nextInt(12))) {
          killed++;
        }
      }
      assertThat(killed).as("children killed before they were done").isPositive();

      LiveRuntime last =
          new LiveRuntime(
              SETTINGS,
              db,
              new TestDefinitions(DEFINITIONS),
              new DirectInputLog(db, PartitionFunction.hashing(SETTINGS.partitions())),
              InstantSource.fixed(Instant.ofEpochMilli(end)),
              new Metrics());
      last.start();
      try {
        assertThat(last.awaitIdle(Duration.ofSeconds(60))).isTrue();
      } finally {
        last.stop();
      }
      RuntimeFixture view = RuntimeFixture.viewOf(db);
      assertThat(Reference.byProfile(view.trace())).isEqualTo(Reference.byProfile(expected));
      assertThat(view.count("SELECT COUNT(*) FROM outbox"))
          .isEqualTo(
              view.count(
                  "SELECT COUNT(DISTINCT message_id) FROM timeline"
                      + " WHERE kind IN ('send', 'webhook')"));
    }
  }

  /**
   * Starts a child and kills it with SIGKILL when it announces commit number {@code killAt}.
   *
   * @return whether it was killed before it reported being idle
   */
  private static boolean runAndKill(List<String> where, Instant clock, int killAt)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A short-lived child: start fast rather than run fast.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
            .replace(File.pathSeparator + File.pathSeparator, File.pathSeparator));
    command.add(KillTarget.class.getName());
    command.addAll(where);
    command.add(clock.toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean beforeIdle = false;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      int commits = 0;
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("COMMIT ") && ++commits >= killAt) {
          beforeIdle = true;
          break;
        }
        if (line.equals("IDLE")) {
          break;
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    return beforeIdle;
  }
}
