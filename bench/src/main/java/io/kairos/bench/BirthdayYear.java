package io.kairos.bench;

import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.JourneySet;
import io.kairos.engine.ProfileState;
import io.kairos.engine.Timer;
import io.kairos.journey.JourneyLoader;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A population with birthdays spread over the year, simulated for a year through the simulator:
 * shows that the cost follows the birthdays that are due, not the population. The clock is advanced
 * hour by hour; each hour's wall time is recorded with the birthdays it fired, so idle hours (no
 * zone has 10:00 then) show what time costs on its own.
 *
 * <p>Run: {@code java -Xmx2g -cp bench/target/kairos-bench.jar io.kairos.bench.BirthdayYear
 * [profiles]} (default 1,000,000).
 */
public final class BirthdayYear {
  private static final String[] ZONES = {
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tehran",
    "Australia/Lord_Howe",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "UTC",
  };

  private static final String JOURNEY =
      """
      id: birthday
      goal: Greet customers on their birthday
      trigger: { date: profile.birthday, recurring: yearly, at: "10:00" }
      steps:
        - send: email
          template: happy-birthday
      """;

  private BirthdayYear() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long[] fired = new long[1];
    long[] sends = new long[1];
    Effects sink =
        new Effects() {
          @Override
          public void emit(Effect e) {
            if (e instanceof Effect.Entered) {
              fired[0]++;
            } else if (e instanceof Effect.Send) {
              sends[0]++;
            }
          }

          @Override
          public void schedule(Timer timer) {}
        };
    Engine engine =
        new Engine(
            JourneySet.of(List.of(new JourneyLoader().load("birthday.yaml", JOURNEY))),
            ZoneOffset.UTC);
    Simulator sim = new Simulator(engine, sink);
    long start = Timestamps.parse("2026-01-01T00:00:00Z");
    sim.start(start);
    SplittableRandom rnd = new SplittableRandom(42);
    LocalDate epoch = LocalDate.of(1940, 1, 1);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      ProfileState s = sim.profile("u" + i);
      s.profile().setUserId(s.profile().id());
      s.profile().setTrait("birthday", epoch.plusDays(rnd.nextInt(365 * 65)).toString());
      s.profile().setTimezone(ZONES[rnd.nextInt(ZONES.length)]);
      sim.profileChanged(s);
    }
    long armNanos = System.nanoTime() - t0;
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapAfterArming = rt.totalMemory() - rt.freeMemory();
    System.out.printf(
        Locale.ROOT,
        "profiles %,d armed in %.2f s (%.2f µs each); %,d timers pending; heap after GC %,d MB"
            + " (%.0f bytes per profile)%n",
        n,
        armNanos / 1e9,
        armNanos / 1e3 / n,
        sim.pendingTimers(),
        heapAfterArming >> 20,
        (double) heapAfterArming / n);

    int hours = 365 * 24;
    long[] hourNanos = new long[hours];
    long[] hourFired = new long[hours];
    long yearStart = System.nanoTime();
    for (int h = 0; h < hours; h++) {
      long before = fired[0];
      long s = System.nanoTime();
      sim.finish(start + (h + 1) * 3_600_000L);
      hourNanos[h] = System.nanoTime() - s;
      hourFired[h] = fired[0] - before;
    }
    long yearNanos = System.nanoTime() - yearStart;
    long idleHours = 0;
    long idleNanos = 0;
    long busyFired = 0;
    long busyNanos = 0;
    long maxIdle = 0;
    for (int h = 0; h < hours; h++) {
      if (hourFired[h] == 0) {
        idleHours++;
        idleNanos += hourNanos[h];
        maxIdle = Math.max(maxIdle, hourNanos[h]);
      } else {
        busyFired += hourFired[h];
        busyNanos += hourNanos[h];
      }
    }
    // Second half of the year only: the JIT has settled.
    long lateFired = 0;
    long lateNanos = 0;
    for (int h = hours / 2; h < hours; h++) {
      lateFired += hourFired[h];
      lateNanos += hourNanos[h];
    }
    System.gc();
    long heapEnd = rt.totalMemory() - rt.freeMemory();
    System.out.printf(
        Locale.ROOT,
        "year: %.2f s wall, %,d birthdays fired (%,d sends), %,d timers fired, %,d pending at end%n",
        yearNanos / 1e9,
        fired[0],
        sends[0],
        sim.timersFired(),
        sim.pendingTimers());
    System.out.printf(
        Locale.ROOT,
        "per fired birthday: %.2f µs over the year, %.2f µs in its second half (enter, send,"
            + " complete, re-arm for next year)%n",
        (double) busyNanos / 1e3 / busyFired,
        (double) lateNanos / 1e3 / lateFired);
    System.out.printf(
        Locale.ROOT,
        "idle hours (no zone at 10:00): %,d, mean %.2f µs each, max %.2f µs%n",
        idleHours,
        idleHours == 0 ? 0.0 : idleNanos / 1e3 / idleHours,
        maxIdle / 1e3);
    System.out.printf(Locale.ROOT, "heap after GC at the end: %,d MB%n", heapEnd >> 20);
  }
}
