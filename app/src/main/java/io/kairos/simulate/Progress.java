package io.kairos.simulate;

import io.kairos.simulation.Simulator;
import java.io.PrintWriter;
import java.util.Locale;

/** Progress and totals on stderr, so stdout carries nothing but effects. */
final class Progress {
  private static final long EVERY_NANOS = 5_000_000_000L;
  private final PrintWriter err;
  private final boolean quiet;
  private final Simulator sim;
  private final long started = System.nanoTime();
  private long lastReport = started;

  Progress(PrintWriter err, boolean quiet, Simulator sim) {
    this.err = err;
    this.quiet = quiet;
    this.sim = sim;
  }

  void tick(long events) {
    if (quiet) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastReport >= EVERY_NANOS) {
      lastReport = now;
      err.println(line("progress", events, now));
      err.flush();
    }
  }

  void done(EventPipeline.Outcome outcome) {
    if (quiet) {
      return;
    }
    String s = line("done", outcome.events(), System.nanoTime());
    err.println(
        s
            + String.format(
                Locale.ROOT,
                ", %d bad lines, %d late, %d after --until, %d timers fired;"
                    + " engine waited %.1f s for parsing",
                outcome.badLines(),
                sim.lateEvents(),
                outcome.skippedAfterUntil(),
                sim.timersFired(),
                outcome.waitedNanos() / 1e9));
    err.flush();
  }

  private String line(String what, long events, long now) {
    double secs = Math.max(1e-9, (now - started) / 1e9);
    return String.format(
        Locale.ROOT,
        "%s: %d events in %.1f s (%.0f events/s), %d profiles, %d pending timers",
        what,
        events,
        secs,
        events / secs,
        sim.profileCount(),
        sim.pendingTimers());
  }
}
