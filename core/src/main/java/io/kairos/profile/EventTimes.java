package io.kairos.profile;

import java.util.Arrays;

/**
 * The times of recent events of the few names that windowed counts read ({@code count("Order
 * Completed", duration("30d"))}), each list sorted and trimmed to the longest window that reads it,
 * so memory stays bounded by what expressions can still see.
 */
final class EventTimes {
  private String[] names = new String[1];
  private long[][] times = new long[1][];
  private int[] sizes = new int[1];
  private int count;

  /**
   * Records one event at {@code now}, forgetting times at or before {@code now - horizon}: the
   * clock never goes back, so no window of at most {@code horizon} can count them again.
   */
  void record(String name, long time, long now, long horizon) {
    int i = indexOf(name);
    if (i < 0) {
      if (count == names.length) {
        names = Arrays.copyOf(names, count * 2);
        times = Arrays.copyOf(times, count * 2);
        sizes = Arrays.copyOf(sizes, count * 2);
      }
      i = count++;
      names[i] = name;
      times[i] = new long[2];
    }
    long[] t = times[i];
    int n = sizes[i];
    long limit = now - horizon;
    int drop = 0;
    while (drop < n && t[drop] <= limit) {
      drop++;
    }
    if (time <= limit) {
      // A late event already outside every window: nothing can count it.
      if (drop > 0) {
        System.arraycopy(t, drop, t, 0, n - drop);
        sizes[i] = n - drop;
      }
      return;
    }
    if (drop > 0) {
      System.arraycopy(t, drop, t, 0, n - drop);
      n -= drop;
    }
    if (n == t.length) {
      t = Arrays.copyOf(t, n * 2);
      times[i] = t;
    }
    int at = n;
    while (at > 0 && t[at - 1] > time) {
      at--;
    }
    System.arraycopy(t, at, t, at + 1, n - at);
    t[at] = time;
    sizes[i] = n + 1;
  }

  /**
   * Appends a name with its times, as a stored profile kept them.
   *
   * @throws IllegalArgumentException when the name is already there or the times are not sorted
   */
  void restore(String name, long[] sorted) {
    if (indexOf(name) >= 0) {
      throw new IllegalArgumentException("event times of '" + name + "' kept twice");
    }
    for (int k = 1; k < sorted.length; k++) {
      if (sorted[k] < sorted[k - 1]) {
        throw new IllegalArgumentException("event times of '" + name + "' out of order");
      }
    }
    if (count == names.length) {
      names = Arrays.copyOf(names, count * 2);
      times = Arrays.copyOf(times, count * 2);
      sizes = Arrays.copyOf(sizes, count * 2);
    }
    names[count] = name;
    times[count] = Arrays.copyOf(sorted, Math.max(2, sorted.length));
    sizes[count] = sorted.length;
    count++;
  }

  int size() {
    return count;
  }

  String name(int i) {
    return names[i];
  }

  long[] timesAt(int i) {
    return Arrays.copyOf(times[i], sizes[i]);
  }

  /** How many recorded times of this name are after {@code after}. */
  long countAfter(String name, long after) {
    int i = indexOf(name);
    if (i < 0) {
      return 0;
    }
    return sizes[i] - firstIndexAfter(times[i], sizes[i], after);
  }

  /** The first recorded time of this name after {@code after}, or Long.MAX_VALUE. */
  long firstAfter(String name, long after) {
    int i = indexOf(name);
    if (i < 0) {
      return Long.MAX_VALUE;
    }
    int k = firstIndexAfter(times[i], sizes[i], after);
    return k == sizes[i] ? Long.MAX_VALUE : times[i][k];
  }

  /** Takes in another profile's times (a merge), keeping each list sorted. */
  void addAll(EventTimes other) {
    for (int k = 0; k < other.count; k++) {
      for (int j = 0; j < other.sizes[k]; j++) {
        record(other.names[k], other.times[k][j], Long.MIN_VALUE / 2, 0);
      }
    }
  }

  private static int firstIndexAfter(long[] t, int n, long after) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] <= after) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int indexOf(String name) {
    for (int i = 0; i < count; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    for (int i = 0; i < count; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
