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
  // keys[2i] is the due time and keys[2i+1] the order of slot i: both in one cache line, so a
  // sift step touches one line of keys instead of two arrays.
  private long[] keys = new long[2048];
  private Timer[] timers = new Timer[1024];
  private ProfileState[] owners = new ProfileState[1024];
  private int size;
  private long sequence;

  void add(Timer timer, ProfileState owner) {
    if (size == timers.length) {
      int n = size * 2;
      keys = Arrays.copyOf(keys, 2 * n);
      timers = Arrays.copyOf(timers, n);
      owners = Arrays.copyOf(owners, n);
    }
    int i = size++;
    long d = timer.due();
    long o = sequence++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(d, o, keys[2 * parent], keys[2 * parent + 1])) {
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
    return keys[0];
  }

  Timer peekTimer() {
    return timers[0];
  }

  ProfileState peekOwner() {
    return owners[0];
  }

  void removeFirst() {
    int last = --size;
    long d = keys[2 * last];
    long o = keys[2 * last + 1];
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
      if (right < last
          && less(keys[2 * right], keys[2 * right + 1], keys[2 * child], keys[2 * child + 1])) {
        child = right;
      }
      if (!less(keys[2 * child], keys[2 * child + 1], d, o)) {
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
    keys[2 * to] = keys[2 * from];
    keys[2 * to + 1] = keys[2 * from + 1];
    timers[to] = timers[from];
    owners[to] = owners[from];
  }

  private void set(int i, long d, long o, Timer t, ProfileState p) {
    keys[2 * i] = d;
    keys[2 * i + 1] = o;
    timers[i] = t;
    owners[i] = p;
  }
}
