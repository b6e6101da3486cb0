package io.kairos.simulation;

import io.kairos.engine.ProfileState;
import io.kairos.engine.Timer;
import java.util.Arrays;

/**
 * A binary min-heap of timers ordered by due time, then by the order they were set, so ties are
 * deterministic. Parallel arrays keep it compact: millions of pending timers cost a few tens of
 * bytes each. Stale timers are not removed; the engine ignores them when they fire.
 */
final class TimerQueue {
  private long[] due = new long[1024];
  private long[] order = new long[1024];
  private Timer[] timers = new Timer[1024];
  private ProfileState[] owners = new ProfileState[1024];
  private int size;
  private long sequence;

  void add(Timer timer, ProfileState owner) {
    if (size == due.length) {
      int n = size * 2;
      due = Arrays.copyOf(due, n);
      order = Arrays.copyOf(order, n);
      timers = Arrays.copyOf(timers, n);
      owners = Arrays.copyOf(owners, n);
    }
    int i = size++;
    long d = timer.due();
    long o = sequence++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(d, o, due[parent], order[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, d, o, timer, owner);
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** Due time of the soonest timer; only valid when not empty. */
  long peekDue() {
    return due[0];
  }

  Timer peekTimer() {
    return timers[0];
  }

  ProfileState peekOwner() {
    return owners[0];
  }

  void removeFirst() {
    int last = --size;
    long d = due[last];
    long o = order[last];
    Timer t = timers[last];
    ProfileState p = owners[last];
    timers[last] = null;
    owners[last] = null;
    if (last == 0) {
      return;
    }
    int i = 0;
    int half = last >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < last && less(due[right], order[right], due[child], order[child])) {
        child = right;
      }
      if (!less(due[child], order[child], d, o)) {
        break;
      }
      move(child, i);
      i = child;
    }
    set(i, d, o, t, p);
  }

  private static boolean less(long d1, long o1, long d2, long o2) {
    return d1 < d2 || (d1 == d2 && o1 < o2);
  }

  private void move(int from, int to) {
    due[to] = due[from];
    order[to] = order[from];
    timers[to] = timers[from];
    owners[to] = owners[from];
  }

  private void set(int i, long d, long o, Timer t, ProfileState p) {
    due[i] = d;
    order[i] = o;
    timers[i] = t;
    owners[i] = p;
  }
}
