package io.kairos.recommend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recommender as first written (string-keyed hash maps, every candidate scored into a map and
 * all of them sorted), kept as the specification the optimised {@link Recommender} is compared
 * against in {@link RecommenderDifferentialTest}. Do not optimise this class.
 */
final class ReferenceRecommender {

  private final Catalog catalog;
  final RefCooccurrence bought = new RefCooccurrence();
  final RefCooccurrence viewed = new RefCooccurrence();

  ReferenceRecommender(Catalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Learns from one event of the profile and updates its shopper state.
   *
   * @param shopper the profile's state, or null when it has none yet
   * @return the profile's state after the event (new when it had none)
   */
  Shopper observe(Shopper shopper, String event, Map<String, Object> properties, long time) {
    Shopper s = shopper != null ? shopper : new Shopper();
    switch (event) {
      case Recommender.ORDER_COMPLETED -> {
        Set<String> products = new LinkedHashSet<>();
        if (properties.get("products") instanceof List<?> items) {
          for (Object item : items) {
            if (item instanceof Map<?, ?> m) {
              String id = Recommender.productId(m);
              if (id != null && products.size() < Recommender.MAX_ORDER_ITEMS) {
                products.add(id);
              }
            }
          }
        }
        List<String> known = products.stream().filter(this::learnable).toList();
        for (String p : known) {
          bought.occurred(p);
        }
        for (String p : known) {
          for (String q : known) {
            if (!p.equals(q)) {
              bought.pair(p, q);
            }
          }
        }
        products.forEach(s::bought);
        s.cart.clear();
      }
      case Recommender.PRODUCT_VIEWED -> {
        String p = Recommender.productId(properties);
        if (p == null) {
          break;
        }
        if (learnable(p)) {
          Set<String> recent = new LinkedHashSet<>();
          boolean again = false;
          for (Shopper.View v : s.views) {
            if (time - v.time() <= Recommender.VIEW_WINDOW_MS) {
              again |= v.product().equals(p);
              recent.add(v.product());
            }
          }
          if (!again) {
            viewed.occurred(p);
            for (String q : recent) {
              if (learnable(q)) {
                viewed.pair(p, q);
                viewed.pair(q, p);
              }
            }
          }
        }
        s.view(p, time);
      }
      case Recommender.PRODUCT_ADDED -> {
        String p = Recommender.productId(properties);
        if (p != null) {
          s.add(p, quantity(properties));
        }
      }
      case Recommender.PRODUCT_REMOVED -> {
        String p = Recommender.productId(properties);
        if (p != null) {
          s.remove(p, quantity(properties));
        }
      }
      default -> {}
    }
    return s;
  }

  /**
   * The top {@code n} products for the profile: candidates are the neighbours of its own products
   * (purchases and cart for bought-together, recent views for viewed-together), scored by the sum
   * of cosine similarities {@code together(a, b) / sqrt(count(a) · count(b))}, excluding what it
   * bought or has in its cart; highest score first, ties by product id.
   */
  List<Recommender.Recommendation> recommend(Shopper shopper, int n, Recommender.Kind kind) {
    if (shopper == null || n <= 0) {
      return List.of();
    }
    Map<String, double[]> scores = new HashMap<>();
    Map<String, String> because = new HashMap<>();
    if (kind != Recommender.Kind.VIEWED_TOGETHER) {
      List<String> seeds = new ArrayList<>(shopper.cart.keySet());
      List<String> bought = new ArrayList<>(shopper.purchased);
      for (int i = bought.size() - 1; i >= 0 && seeds.size() < Recommender.MAX_SEEDS; i--) {
        if (!seeds.contains(bought.get(i))) {
          seeds.add(bought.get(i));
        }
      }
      score(this.bought, seeds, scores, because);
    }
    if (kind != Recommender.Kind.BOUGHT_TOGETHER) {
      List<String> seeds = new ArrayList<>();
      for (int i = shopper.views.size() - 1; i >= 0 && seeds.size() < Recommender.MAX_SEEDS; i--) {
        String p = shopper.views.get(i).product();
        if (!seeds.contains(p)) {
          seeds.add(p);
        }
      }
      score(viewed, seeds, scores, because);
    }
    List<Recommender.Recommendation> out = new ArrayList<>();
    for (Map.Entry<String, double[]> e : scores.entrySet()) {
      String id = e.getKey();
      if (shopper.purchased.contains(id) || shopper.cart.containsKey(id)) {
        continue;
      }
      out.add(
          new Recommender.Recommendation(catalog.describe(id), e.getValue()[0], because.get(id)));
    }
    out.sort(
        (a, b) -> {
          int c = Double.compare(b.score(), a.score());
          return c != 0 ? c : a.product().id().compareTo(b.product().id());
        });
    return out.size() > n ? List.copyOf(out.subList(0, n)) : List.copyOf(out);
  }

  private void score(
      RefCooccurrence model,
      List<String> seeds,
      Map<String, double[]> scores,
      Map<String, String> because) {
    Map<String, Double> best = new HashMap<>();
    for (String seed : seeds) {
      RefCooccurrence.Item item = model.items.get(seed);
      if (item == null) {
        continue;
      }
      for (int i = 0; i < item.size; i++) {
        String c = item.ids[i];
        RefCooccurrence.Item other = model.items.get(c);
        double cos =
            item.counts[i] / Math.sqrt((double) Math.max(1, item.count) * Math.max(1, other.count));
        scores.computeIfAbsent(c, k -> new double[1])[0] += cos;
        Double b = best.get(c);
        if (b == null || cos > b) {
          best.put(c, cos);
          because.put(c, seed);
        }
      }
    }
  }

  private boolean learnable(String product) {
    if (!catalog.isEmpty()) {
      return catalog.get(product) != null;
    }
    return bought.items.size() < Recommender.MAX_PRODUCTS
        || bought.items.containsKey(product)
        || viewed.items.containsKey(product);
  }

  private static long quantity(Map<String, Object> properties) {
    Object q = properties.get("quantity");
    return q instanceof Number n && n.longValue() > 0 ? n.longValue() : 1;
  }

  static final class RefCooccurrence {

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
}
