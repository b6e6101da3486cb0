package io.kairos.profile;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per event name: how many times and when last. Kept as parallel arrays because a profile sees a
 * handful of distinct names and there may be millions of profiles; a linear scan of a few interned
 * names is faster than hashing and far smaller than a map.
 */
final class EventStats {
  private String[] names = new String[4];
  private int[] counts = new int[4];
  private long[] last = new long[4];
  private int size;

  void record(String name, long time) {
    int i = indexOf(name);
    if (i < 0) {
      if (size == names.length) {
        int n = size * 2;
        names = Arrays.copyOf(names, n);
        counts = Arrays.copyOf(counts, n);
        last = Arrays.copyOf(last, n);
      }
      i = size++;
      names[i] = name;
    }
    counts[i]++;
    if (time > last[i] || counts[i] == 1) {
      last[i] = time;
    }
  }

  /**
   * Appends a name with its count and last time, as a stored profile kept them.
   *
   * @throws IllegalArgumentException when the name is already there
   */
  void restore(String name, int count, long time) {
    if (indexOf(name) >= 0) {
      throw new IllegalArgumentException("event name '" + name + "' counted twice");
    }
    record(name, time);
    counts[size - 1] = count;
    last[size - 1] = time;
  }

  /** Adds another profile's counts: counts add up, the later time wins. */
  void addAll(EventStats other) {
    for (int k = 0; k < other.size; k++) {
      String name = other.names[k];
      int i = indexOf(name);
      if (i < 0) {
        record(name, other.last[k]);
        i = indexOf(name);
        counts[i] = other.counts[k];
      } else {
        counts[i] += other.counts[k];
        last[i] = Math.max(last[i], other.last[k]);
      }
    }
  }

  int count(String name) {
    int i = indexOf(name);
    return i < 0 ? 0 : counts[i];
  }

  /** Epoch millis of the last such event, or Long.MIN_VALUE when never. */
  long last(String name) {
    int i = indexOf(name);
    return i < 0 ? Long.MIN_VALUE : last[i];
  }

  int size() {
    return size;
  }

  String name(int i) {
    return names[i];
  }

  int countAt(int i) {
    return counts[i];
  }

  long lastAt(int i) {
    return last[i];
  }

  Map<String, long[]> snapshot() {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      m.put(names[i], new long[] {counts[i], last[i]});
    }
    return m;
  }

  private int indexOf(String name) {
    String[] ns = names;
    for (int i = 0; i < size; i++) {
      if (ns[i] == name) {
        return i;
      }
    }
    for (int i = 0; i < size; i++) {
      if (ns[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
