package io.kairos.server.runtime;

import java.util.List;
import java.util.TreeSet;

/**
 * The soonest timers of one partition, in memory; every other timer stays in the store only, so
 * millions of pending timers cost no heap. The window holds exactly the stored timers ordered at or
 * before its horizon (or all of them when {@link #complete}): a new timer joins it when it sorts
 * before the horizon, and when the window runs dry it is loaded again from the store.
 */
final class TimerWindow {
  private final int capacity;
  private final TreeSet<PendingTimer> soonest = new TreeSet<>(PendingTimer.ORDER);
  private boolean loaded;
  private boolean complete;
  private PendingTimer horizon;

  TimerWindow(int capacity) {
    this.capacity = capacity;
  }

  int capacity() {
    return capacity;
  }

  /**
   * Whether the window must be (re)loaded before timers can be taken from it: never loaded, dropped
   * after a failure, or run dry while the store holds more.
   */
  boolean needsLoad() {
    return !loaded || (soonest.isEmpty() && !complete);
  }

  /**
   * Replaces the contents with the soonest stored timers, in order.
   *
   * @param rows at most {@link #capacity} timers; fewer means they are all there are
   */
  void load(List<PendingTimer> rows) {
    soonest.clear();
    soonest.addAll(rows);
    loaded = true;
    complete = rows.size() < capacity;
    horizon = complete ? null : soonest.last();
  }

  /** Forgets everything: the next batch loads from the store (after a failed batch). */
  void drop() {
    soonest.clear();
    loaded = false;
    complete = false;
    horizon = null;
  }

  /** Takes in a timer just stored, if it belongs in the window. */
  void add(PendingTimer t) {
    if (!loaded) {
      return;
    }
    if (complete || PendingTimer.ORDER.compare(t, horizon) <= 0) {
      soonest.add(t);
      if (soonest.size() > capacity) {
        // The latest in memory goes back to the store only; the horizon moves before it.
        soonest.pollLast();
        complete = false;
        horizon = soonest.last();
      }
    }
  }

  /** The soonest timer, or null when the window is empty. */
  PendingTimer peek() {
    return soonest.isEmpty() ? null : soonest.first();
  }

  /** The first timers due at or before {@code until}, at most {@code max}, soonest first. */
  List<PendingTimer> dueBy(long until, int max) {
    List<PendingTimer> out = new java.util.ArrayList<>();
    for (PendingTimer t : soonest) {
      if (t.due() > until || out.size() >= max) {
        break;
      }
      out.add(t);
    }
    return out;
  }

  PendingTimer poll() {
    return soonest.pollFirst();
  }

  /** Whether every stored timer of the partition is in memory. */
  boolean complete() {
    return complete;
  }

  int size() {
    return soonest.size();
  }
}
