package io.kairos.server.runtime;

import io.kairos.engine.Timer;
import java.util.Comparator;

/**
 * A stored timer: its row id (increasing per partition, so ties on the due time fire in the order
 * they were set), the workspace and the engine's {@link Timer}.
 */
record PendingTimer(long id, String workspace, Timer timer) {

  /** Firing order: due time, then the order the timers were set in. */
  static final Comparator<PendingTimer> ORDER =
      Comparator.comparingLong((PendingTimer t) -> t.timer().due())
          .thenComparingLong(PendingTimer::id);

  long due() {
    return timer.due();
  }
}
