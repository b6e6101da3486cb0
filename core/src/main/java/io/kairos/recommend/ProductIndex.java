package io.kairos.recommend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Dense numbers for the product ids the model has learnt, shared by both kinds of co-occurrence so
 * a product has one slot in the scoring arrays whichever kind found it. Grows with the model, which
 * is itself bounded (a catalogue, or {@link Recommender#MAX_PRODUCTS}).
 */
final class ProductIndex {
  private final Map<String, Integer> numbers = new HashMap<>();
  private String[] ids = new String[64];

  int of(String id) {
    Integer n = numbers.get(id);
    if (n != null) {
      return n;
    }
    int next = numbers.size();
    if (next == ids.length) {
      ids = Arrays.copyOf(ids, next * 2);
    }
    ids[next] = id;
    numbers.put(id, next);
    return next;
  }

  String id(int number) {
    return ids[number];
  }

  int size() {
    return numbers.size();
  }
}
