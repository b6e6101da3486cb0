package io.kairos.geo;

import java.util.List;
import java.util.Map;

/**
 * The grid of {@link Geofences}: cell key to fence indexes, an open-addressing table with linear
 * probing over primitive keys. A {@code HashMap<Long, int[]>} boxed the key of every located event,
 * and {@code Long.hashCode} (high half XOR low half) folded a (latitude cell, longitude cell) key
 * to {@code lat ^ lon}, so neighbouring cells collided into a few buckets. Immutable after
 * construction.
 */
final class CellTable {
  private final long[] keys;
  private final int[][] values;
  private final int mask;

  CellTable(Map<Long, List<Integer>> cells) {
    int capacity = Integer.highestOneBit(Math.max(4, cells.size() * 2 - 1)) << 1;
    keys = new long[capacity];
    values = new int[capacity][];
    mask = capacity - 1;
    cells.forEach(
        (key, fences) -> {
          int i = slot(key);
          while (values[i] != null) {
            i = (i + 1) & mask;
          }
          keys[i] = key;
          values[i] = fences.stream().mapToInt(Integer::intValue).toArray();
        });
  }

  /** The fences whose box touches the cell; empty for none. */
  int[] get(long key) {
    for (int i = slot(key); values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return values[i];
      }
    }
    return Geofences.NO_FENCES;
  }

  private int slot(long key) {
    // The 64-bit finaliser of MurmurHash3: every key bit reaches the low bits used as the slot.
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h & mask;
  }
}
