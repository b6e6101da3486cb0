package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A runtime that stops — crashed in the middle of a batch, or closed normally — and starts again on
 * the same store ends with the trace it would have had without stopping: nothing committed is
 * applied twice, nothing is lost, no journey entry or outbox message is duplicated, and timers that
 * fell due meanwhile fire once each, in due order.
 */
class RestartTest {
  private static final long DAY = 86_400_000L;
  private static final Definitions EXAMPLES =
      TestDefinitions.load(Path.of("..", "examples", "journeys"));

  /**
   * The examples without the journeys whose decisions depend on other customers (the recommender's
   * model, the sales rotation), so that partitions in parallel give each customer the simulator's
   * effects.
   */
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
  void aCrashAtAnyCommitLeavesTheTraceOfARunWithoutOne(StoreKind kind) throws Exception {
    db = TestStores.open(kind, dir);
    List<String> lines = RandomTimelines.timeline(7, 10, 160);
    long end = RandomTimelines.lastTimestamp(lines) + 40 * DAY;
    List<Effect> effects = new ArrayList<>();
    List<String> expected = Reference.run(EXAMPLES, lines, end, effects);
    for (int crashAt : new int[] {1, 6, 17}) {
      try (RuntimeFixture f =
          new RuntimeFixture(
              db, new TestDefinitions(EXAMPLES), RuntimeFixture.settings(1, 10, 10_000))) {
        CountDownLatch crashed = crashAt(f, crashAt);
        f.clock.set(Instant.ofEpochMilli(end));
        f.feed(lines);
        assertThat(crashed.await(60, TimeUnit.SECONDS)).isTrue();
        f.crashAndRestart();
        f.idle();
        assertThat(f.trace()).as("crash at commit %d", crashAt).isEqualTo(expected);
        assertThat(f.outboxIds()).isEqualTo(Reference.outboxIds(effects));
        assertThat(f.count("SELECT COUNT(*) FROM timeline WHERE kind = 'entered'"))
            .isEqualTo(effects.stream().filter(e -> e instanceof Effect.Entered).count());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aGracefulRestartHalfWayLeavesTheSameTrace(StoreKind kind) {
    db = TestStores.open(kind, dir);
    List<String> lines = RandomTimelines.timeline(11, 10, 160);
    long end = RandomTimelines.lastTimestamp(lines) + 40 * DAY;
    List<String> expected = Reference.run(EXAMPLES, lines, end);
    List<String> first = lines.subList(0, lines.size() / 2);
    try (RuntimeFixture f =
        new RuntimeFixture(
            db, new TestDefinitions(EXAMPLES), RuntimeFixture.settings(1, 25, 10_000))) {
      f.clock.set(Instant.ofEpochMilli(RandomTimelines.lastTimestamp(first)));
      f.feed(first);
      f.idle();
      // The rest arrives while the runtime is stopped: when it starts again the clock has moved
      // on, and each event still comes after the timers due before it.
      f.runtime.stop();
      f.clock.set(Instant.ofEpochMilli(end));
      f.feed(lines.subList(first.size(), lines.size()));
      f.start();
      f.idle();
      assertThat(f.trace()).isEqualTo(expected);
    }
  }

  /**
   * The process is down while timers fall due (it crashed, then stayed down for weeks); on start
   * the overdue timers fire once each, in due order, even when it crashes again while firing them.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void overdueTimersFireOnceInDueOrderAfterACrash(StoreKind kind) throws Exception {
    db = TestStores.open(kind, dir);
    List<String> lines = RandomTimelines.timeline(3, 10, 120);
    long last = RandomTimelines.lastTimestamp(lines);
    long end = last + 60 * DAY;
    List<Effect> effects = new ArrayList<>();
    List<String> expected = Reference.run(EXAMPLES, lines, end, effects);
    try (RuntimeFixture f =
        new RuntimeFixture(
            db, new TestDefinitions(EXAMPLES), RuntimeFixture.settings(1, 8, 10_000))) {
      f.clock.set(Instant.ofEpochMilli(last));
      f.feed(lines);
      f.idle();
      int before = f.trace().size();
      long pending = f.count("SELECT COUNT(*) FROM timers");
      assertThat(pending).isGreaterThan(20);
      f.crashAndRestart();

      f.clock.set(Instant.ofEpochMilli(end));
      CountDownLatch crashed = crashAt(f, 3);
      f.runtime.wake();
      assertThat(crashed.await(60, TimeUnit.SECONDS)).isTrue();
      f.crashAndRestart();
      f.idle();

      List<String> trace = f.trace();
      assertThat(trace).isEqualTo(expected);
      assertThat(trace.size()).isGreaterThan(before);
      assertThat(f.outboxIds()).isEqualTo(Reference.outboxIds(effects));
      // Due order: the effects after the restart never go back in time.
      List<String> after = trace.subList(before, trace.size());
      List<String> times = after.stream().map(l -> l.split(" \\| ")[1]).toList();
      assertThat(times).isSorted();
    }
  }

  /**
   * Two partitions, anonymous visitors merged into customers across them, and a crash: every
   * customer ends with the simulator's effects.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void partitionsInParallelSurviveACrashCustomerByCustomer(StoreKind kind) throws Exception {
    db = TestStores.open(kind, dir);
    List<String> lines = RandomTimelines.timeline(5, 12, 200);
    long end = RandomTimelines.lastTimestamp(lines) + 40 * DAY;
    List<String> expected = Reference.run(PER_CUSTOMER, lines, end);
    assertThat(expected).anyMatch(l -> l.contains("anon-"));
    try (RuntimeFixture f =
        new RuntimeFixture(
            db, new TestDefinitions(PER_CUSTOMER), RuntimeFixture.settings(2, 10, 10_000))) {
      CountDownLatch crashed = crashAt(f, 9);
      f.clock.set(Instant.ofEpochMilli(end));
      f.feed(lines);
      assertThat(crashed.await(60, TimeUnit.SECONDS)).isTrue();
      f.crashAndRestart();
      f.idle();
      assertThat(Reference.byProfile(f.trace())).isEqualTo(Reference.byProfile(expected));
      assertThat(f.count("SELECT COUNT(*) FROM timeline WHERE kind = 'merged'")).isPositive();
    }
  }

  /** Makes commit number {@code n} (counted over all partitions) crash the runtime. */
  static CountDownLatch crashAt(RuntimeFixture f, int n) {
    CountDownLatch crashed = new CountDownLatch(1);
    AtomicInteger commits = new AtomicInteger();
    f.runtime.commitHook(
        (partition, upTo) -> {
          if (commits.incrementAndGet() >= n) {
            crashed.countDown();
            throw new PartitionWorker.Halted();
          }
        });
    return crashed;
  }
}
