package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The live runtime is the simulator made durable: the same journeys and events give the same
 * effects, profile by profile, with the same reasons.
 */
class SimulatorEquivalenceTest {
  private static final Definitions EXAMPLES =
      TestDefinitions.load(Path.of("..", "examples", "journeys"));

  @TempDir Path dir;
  private Database db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  /**
   * With one partition the runtime sees the inputs in the simulator's order, so every effect
   * matches, in the same order: also those that depend on other customers (what the recommender
   * learnt, the sales rotation) and the late-event rule.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void onePartitionGivesTheSimulatorsTraceForEveryExampleTimeline(StoreKind kind)
      throws IOException {
    db = TestStores.open(kind, dir);
    for (Path t : timelines()) {
      Run run = run(db, t, 1);
      assertThat(run.actual()).as("%s", t.getFileName()).isEqualTo(run.expected());
    }
  }

  /**
   * With partitions in parallel each customer still gets exactly the simulator's effects, except
   * where one customer's outcome depends on another's: a recommendation model learnt from
   * everyone's orders (s07), the sales rotation (s15), and an event stamped before the clock of the
   * simulator's single timeline but not before its own partition's (s14: not late there).
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void twoPartitionsGiveEachCustomerTheSimulatorsEffects(StoreKind kind) throws IOException {
    db = TestStores.open(kind, dir);
    List<String> differ = new ArrayList<>();
    for (Path t : timelines()) {
      Run run = run(db, t, 2);
      if (!run.perProfile().equals(Reference.byProfile(run.expected()))) {
        differ.add(t.getFileName().toString());
      }
    }
    assertThat(differ)
        .isSubsetOf(
            "s07-cross-sell.jsonl",
            "s13-retargeting.jsonl",
            "s14-replenishment.jsonl",
            "s15-lead-scoring.jsonl");
  }

  /**
   * A cache with room for a state or two, and batches of three inputs: most batches read their
   * profiles back from the store, evicted by others. What was read back must be what was cached.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void profilesReadBackFromTheStoreGiveTheSameTraceAsCachedOnes(StoreKind kind) throws IOException {
    db = TestStores.open(kind, dir);
    RuntimeSettings tiny = RuntimeFixture.settings(1, 3, 10_000, 4_000);
    RuntimeSettings roomy = RuntimeFixture.settings(1, 3, 10_000);
    double readBack = 0;
    double readBackRoomy = 0;
    for (Path t : timelines()) {
      Run run = run(db, t, tiny);
      assertThat(run.actual()).as("%s", t.getFileName()).isEqualTo(run.expected());
      readBack += run.statesFromStore();
      readBackRoomy += run(db, t, roomy).statesFromStore();
    }
    // The small cache did make the batches read states back (1,347 of them), a large one none.
    assertThat(readBack).isGreaterThan(1_000);
    assertThat(readBackRoomy).isZero();
  }

  private record Run(List<String> expected, List<String> actual, double statesFromStore) {
    Map<String, List<String>> perProfile() {
      return Reference.byProfile(actual);
    }
  }

  private static Run run(Database db, Path timeline, int partitions) throws IOException {
    return run(db, timeline, RuntimeFixture.settings(partitions));
  }

  private static Run run(Database db, Path timeline, RuntimeSettings settings) throws IOException {
    List<String> lines = lines(timeline);
    long end = lastTimestamp(lines);
    List<String> expected = Reference.run(EXAMPLES, lines, end);
    try (RuntimeFixture f = new RuntimeFixture(db, new TestDefinitions(EXAMPLES), settings)) {
      // The clock is at the end before the events arrive, as for a backlog: each event still
      // comes after the timers due before its own timestamp.
      f.clock.set(Instant.ofEpochMilli(end));
      f.feed(lines);
      f.idle();
      f.assertTimelinesLinked();
      double fromStore =
          f.metrics
              .registry()
              .get("kairos.runtime.profiles.loaded")
              .tag("source", "store")
              .counter()
              .count();
      return new Run(expected, f.trace(), fromStore);
    }
  }

  private static List<Path> timelines() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("..", "examples", "timelines"))) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
      assertThat(all).isNotEmpty();
      return all;
    }
  }

  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
  }

  static long lastTimestamp(List<String> lines) {
    String last = lines.get(lines.size() - 1);
    int at = last.indexOf("\"timestamp\":\"") + 13;
    return Timestamps.parse(last.substring(at, last.indexOf('"', at)));
  }
}
