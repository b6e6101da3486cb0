package io.kairos.recommend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Counts of products and of product pairs, with a bounded neighbour list per product. */
final class Cooccurrence {

  /**
   * One product: how often it occurred, and its strongest neighbours with their pair counts. A
   * neighbour is held as its own {@code Item} of the same model (one per product), so scoring reads
   * its count without a lookup and a bump finds it by reference.
   */
  static final class Item {
    final String id;

    /** The product's number in the {@link ProductIndex} both models share. */
    final int index;

    long count;
    Item[] others = new Item[4];
    long[] counts = new long[4];
    int size;

    Item(String id, int index) {
      this.id = id;
      this.index = index;
    }

    void bump(Item other) {
      for (int i = 0; i < size; i++) {
        if (others[i] == other) {
          counts[i]++;
          return;
        }
      }
      if (size < Recommender.MAX_NEIGHBOURS) {
        if (size == others.length) {
          others = Arrays.copyOf(others, Math.min(Recommender.MAX_NEIGHBOURS, size * 2));
          counts = Arrays.copyOf(counts, others.length);
        }
        others[size] = other;
        counts[size++] = 1;
        return;
      }
      // Space-Saving: the weakest neighbour (on ties, the greatest id) makes room.
      int weakest = 0;
      for (int i = 1; i < size; i++) {
        if (counts[i] < counts[weakest]
            || (counts[i] == counts[weakest] && others[i].id.compareTo(others[weakest].id) > 0)) {
          weakest = i;
        }
      }
      others[weakest] = other;
      counts[weakest]++;
    }
  }

  private final ProductIndex index;
  final Map<String, Item> items = new HashMap<>();

  Cooccurrence(ProductIndex index) {
    this.index = index;
  }

  /** The product's item, created (count 0, no neighbours) when the model does not know it yet. */
  Item item(String product) {
    Item i = items.get(product);
    if (i == null) {
      i = new Item(product, index.of(product));
      items.put(product, i);
    }
    return i;
  }

  void occurred(String product) {
    item(product).count++;
  }

  void pair(String a, String b) {
    Item ia = item(a);
    ia.bump(item(b));
  }

  long pairs() {
    long n = 0;
    for (Item i : items.values()) {
      n += i.size;
    }
    return n;
  }
}
