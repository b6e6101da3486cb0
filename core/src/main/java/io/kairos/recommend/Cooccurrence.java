package io.kairos.recommend;

import java.util.HashMap;
import java.util.Map;

/** Counts of products and of product pairs, with a bounded neighbour list per product. */
final class Cooccurrence {

  /** One product: how often it occurred, and its strongest neighbours with their pair counts. */
  static final class Item {
    long count;
    String[] ids = new String[4];
    long[] counts = new long[4];
    int size;

    void bump(String other) {
      for (int i = 0; i < size; i++) {
        if (ids[i].equals(other)) {
          counts[i]++;
          return;
        }
      }
      if (size < Recommender.MAX_NEIGHBOURS) {
        if (size == ids.length) {
          ids = java.util.Arrays.copyOf(ids, Math.min(Recommender.MAX_NEIGHBOURS, size * 2));
          counts = java.util.Arrays.copyOf(counts, ids.length);
        }
        ids[size] = other;
        counts[size++] = 1;
        return;
      }
      // Space-Saving: the weakest neighbour (on ties, the greatest id) makes room.
      int weakest = 0;
      for (int i = 1; i < size; i++) {
        if (counts[i] < counts[weakest]
            || (counts[i] == counts[weakest] && ids[i].compareTo(ids[weakest]) > 0)) {
          weakest = i;
        }
      }
      ids[weakest] = other;
      counts[weakest]++;
    }
  }

  final Map<String, Item> items = new HashMap<>();

  void occurred(String product) {
    items.computeIfAbsent(product, k -> new Item()).count++;
  }

  void pair(String a, String b) {
    items.computeIfAbsent(a, k -> new Item()).bump(b);
    items.computeIfAbsent(b, k -> new Item());
  }

  long pairs() {
    long n = 0;
    for (Item i : items.values()) {
      n += i.size;
    }
    return n;
  }
}
