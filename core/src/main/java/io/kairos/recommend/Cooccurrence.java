package io.kairos.recommend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts of products and of product pairs, with a bounded neighbour list per product. Products are
 * numbered by a {@link ProductIndex} both models share: neighbours are held by number and counts
 * sit in one array by number, so scoring walks arrays instead of looking products up by id.
 */
final class Cooccurrence {

  /** One product's strongest neighbours (product numbers) with their pair counts. */
  static final class Item {
    final String id;

    /** The product's number in the shared {@link ProductIndex}. */
    final int index;

    int[] others = new int[4];
    long[] counts = new long[4];
    int size;

    Item(String id, int index) {
      this.id = id;
      this.index = index;
    }

    void bump(int other, ProductIndex ids) {
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
            || (counts[i] == counts[weakest]
                && ids.id(others[i]).compareTo(ids.id(others[weakest])) > 0)) {
          weakest = i;
        }
      }
      others[weakest] = other;
      counts[weakest]++;
    }
  }

  private final ProductIndex index;
  final Map<String, Item> items = new HashMap<>();

  /** How often each product occurred in this model, by product number (0 when it never did). */
  long[] count = new long[64];

  Cooccurrence(ProductIndex index) {
    this.index = index;
  }

  /** The product's item, created (no occurrence, no neighbours) when the model does not know it. */
  Item item(String product) {
    Item i = items.get(product);
    if (i == null) {
      i = new Item(product, index.of(product));
      if (i.index >= count.length) {
        count = Arrays.copyOf(count, Math.max(i.index + 1, count.length * 2));
      }
      items.put(product, i);
    }
    return i;
  }

  long count(Item item) {
    return count[item.index];
  }

  void occurred(Item item) {
    count[item.index]++;
  }

  void occurred(String product) {
    occurred(item(product));
  }

  void pair(Item a, Item b) {
    a.bump(b.index, index);
  }

  void pair(String a, String b) {
    Item ia = item(a);
    pair(ia, item(b));
  }

  /** The product with this number; for tests and diagnostics. */
  String id(int number) {
    return index.id(number);
  }

  long pairs() {
    long n = 0;
    for (Item i : items.values()) {
      n += i.size;
    }
    return n;
  }
}
