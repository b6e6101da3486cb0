package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.server.testing.StoreKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Only a window of the soonest timers is in memory; with many more timers than the window holds,
 * every timer still fires at its time, in order, and the pending count stays exact.
 */
class TimerWindowTest {
  /** Six journeys waiting 50, 10, 40, 20, 30 and 5 minutes: timers end in another order. */
  private static final Definitions REMINDERS =
      TestDefinitions.of(
          reminder(50), reminder(10), reminder(40), reminder(20), reminder(30), reminder(5));

  private static String reminder(int minutes) {
    return """
        id: reminder-%d
        goal: remind after a while
        trigger:
          event: Signed Up
        entry: parallel
        steps:
          - wait: %dm
          - send: email
            template: reminder
        """
        .formatted(minutes, minutes);
  }

  private static final Definitions EXAMPLES =
      TestDefinitions.load(Path.of("..", "examples", "journeys"));

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void manyMoreTimersThanTheWindowFireInDueOrder(StoreKind kind) {
    List<String> lines = new ArrayList<>();
    // 10 sign-ups a minute apart, 6 waits each: 60 timers, set in an order unrelated to their end.
    for (int i = 0; i < 10; i++) {
      lines.add(
          "{\"type\":\"track\",\"userId\":\"u"
              + (i % 7)
              + "\",\"timestamp\":\"2026-03-02T10:0"
              + i
              + ":00Z\",\"event\":\"Signed Up\"}");
    }
    long end = Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();
    List<String> expected = Reference.run(REMINDERS, lines, end);
    try (RuntimeFixture f =
        new RuntimeFixture(
            kind, dir, new TestDefinitions(REMINDERS), RuntimeFixture.settings(1, 500, 4))) {
      f.at("2026-03-02T10:09:00Z");
      f.feed(lines);
      f.idle();
      // By 10:09 only the first sign-ups' 5-minute waits are over (10:00-10:04 → 10:05-10:09).
      assertThat(f.count("SELECT COUNT(*) FROM timers")).isEqualTo(55);
      assertThat(f.runtime.pendingTimers()).isEqualTo(55);
      // A new start counts them once it has caught up (not on its start-up path), then keeps the
      // count current.
      f.crashAndRestart();
      f.idle();
      assertThat(f.runtime.pendingTimers()).isEqualTo(55);

      f.at("2026-03-02T10:35:00Z");
      f.idle();
      // Over by 10:35: all 5- and 10-minute waits, 20-minute ones of 10:00-10:09 (10),
      // 30-minute ones of 10:00-10:05 (6): 36 fired, 24 left.
      assertThat(f.runtime.pendingTimers()).isEqualTo(24);
      assertThat(f.count("SELECT COUNT(*) FROM timers")).isEqualTo(24);

      f.clock.set(Instant.ofEpochMilli(end));
      f.idle();
      assertThat(f.trace()).isEqualTo(expected);
      List<String> sends = f.trace().stream().filter(l -> l.contains("send email")).toList();
      assertThat(sends).hasSize(60);
      assertThat(sends.stream().map(l -> l.split(" \\| ")[1]).toList()).isSorted();
      assertThat(f.runtime.pendingTimers()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTinyWindowChangesNothingOnTheWholeWorkspace(StoreKind kind) {
    List<String> lines = RandomTimelines.timeline(13, 10, 150);
    long end = RandomTimelines.lastTimestamp(lines) + 40 * 86_400_000L;
    List<String> expected = Reference.run(EXAMPLES, lines, end);
    try (RuntimeFixture f =
        new RuntimeFixture(
            kind, dir, new TestDefinitions(EXAMPLES), RuntimeFixture.settings(1, 50, 3))) {
      f.clock.set(Instant.ofEpochMilli(end));
      f.feed(lines);
      f.idle();
      assertThat(f.trace()).isEqualTo(expected);
      assertThat(f.runtime.pendingTimers()).isEqualTo(f.count("SELECT COUNT(*) FROM timers"));
    }
  }
}
