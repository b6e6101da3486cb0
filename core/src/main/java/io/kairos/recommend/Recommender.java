package io.kairos.recommend;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The workspace's product co-occurrence model, learnt from events as they are processed: "bought
 * together" from the products of each {@code Order Completed}, "viewed together" from the products
 * one profile views within {@link #VIEW_WINDOW_MS} of each other. It also keeps each profile's
 * {@link Shopper} state (views, cart, purchases) current.
 *
 * <p>Deterministic: the same events in the same order give the same model and the same
 * recommendations (ties are broken by product id). Bounded: each product keeps at most {@link
 * #MAX_NEIGHBOURS} neighbours per kind, replaced by the Space-Saving rule (a newcomer takes the
 * place of the weakest neighbour and inherits its count plus one), so frequent pairs stay and rare
 * ones churn; with a catalogue, only its products are learnt.
 *
 * <p>Thread-safety: every method is synchronized, so partitions on several threads may share one
 * model safely. The model is then as deterministic as the order in which the partitions reach it;
 * the simulator has one engine thread, so its runs are exactly repeatable.
 */
public final class Recommender {

  /** Neighbours kept per product and kind. */
  public static final int MAX_NEIGHBOURS = 50;

  /** Products learnt when there is no catalogue to bound them. */
  public static final int MAX_PRODUCTS = 100_000;

  /** Two views by one profile this close together count as viewed together: 30 minutes. */
  public static final long VIEW_WINDOW_MS = 30 * 60_000L;

  /** Products of one order that are paired; a bulk order does not cost n² updates. */
  static final int MAX_ORDER_ITEMS = 50;

  /** How many of the profile's own products seed a recommendation. */
  static final int MAX_SEEDS = 20;

  public static final String ORDER_COMPLETED = "Order Completed";
  public static final String PRODUCT_VIEWED = "Product Viewed";
  public static final String PRODUCT_ADDED = "Product Added";
  public static final String PRODUCT_REMOVED = "Product Removed";

  private static final Set<String> EVENTS =
      Set.of(ORDER_COMPLETED, PRODUCT_VIEWED, PRODUCT_ADDED, PRODUCT_REMOVED);

  /** Which co-occurrences score a recommendation. */
  public enum Kind {
    BOUGHT_TOGETHER,
    VIEWED_TOGETHER,
    /** Both, summed. */
    ALL;

    /** {@code bought_together} or {@code viewed_together}. */
    public static Kind parse(String name) {
      if (name.equals("bought_together")) {
        return BOUGHT_TOGETHER;
      }
      if (name.equals("viewed_together")) {
        return VIEWED_TOGETHER;
      }
      throw new IllegalArgumentException(
          "unknown recommendation kind '"
              + name
              + "'; expected bought_together or viewed_together");
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A recommended product.
   *
   * @param score the sum of cosine similarities to the profile's own products
   * @param because the profile's product that contributed most
   */
  public record Recommendation(Product product, double score, String because) {
    /** What expressions and templates see: the product's fields, {@code score}, {@code because}. */
    public Map<String, Object> view() {
      Map<String, Object> m = product.view();
      m.put("score", Math.round(score * 10_000) / 10_000.0);
      m.put("because", because);
      return m;
    }
  }

  private final Catalog catalog;
  private final ProductIndex index = new ProductIndex();
  final Cooccurrence bought = new Cooccurrence(index);
  final Cooccurrence viewed = new Cooccurrence(index);
  private final Candidates candidates = new Candidates();

  public Recommender(Catalog catalog) {
    this.catalog = catalog;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** Whether events of this name change the model or a shopper; a cheap test for the hot path. */
  public static boolean observes(String eventName) {
    return EVENTS.contains(eventName);
  }

  /**
   * Learns from one event of the profile and updates its shopper state.
   *
   * @param shopper the profile's state, or null when it has none yet
   * @return the profile's state after the event (new when it had none)
   */
  public synchronized Shopper observe(
      Shopper shopper, String event, Map<String, Object> properties, long time) {
    Shopper s = shopper != null ? shopper : new Shopper();
    switch (event) {
      case ORDER_COMPLETED -> {
        Set<String> products = new LinkedHashSet<>();
        if (properties.get("products") instanceof List<?> items) {
          for (Object item : items) {
            if (item instanceof Map<?, ?> m) {
              String id = productId(m);
              if (id != null && products.size() < MAX_ORDER_ITEMS) {
                products.add(id);
              }
            }
          }
        }
        // Which products are learnt is decided before any is added (the product bound).
        List<String> known = products.stream().filter(this::learnable).toList();
        Cooccurrence.Item[] items = new Cooccurrence.Item[known.size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = bought.item(known.get(i));
          bought.occurred(items[i]);
        }
        for (Cooccurrence.Item p : items) {
          for (Cooccurrence.Item q : items) {
            if (p != q) {
              bought.pair(p, q);
            }
          }
        }
        products.forEach(s::bought);
        s.cart.clear();
      }
      case PRODUCT_VIEWED -> {
        String p = productId(properties);
        if (p == null) {
          break;
        }
        if (learnable(p)) {
          Set<String> recent = new LinkedHashSet<>();
          boolean again = false;
          for (Shopper.View v : s.views) {
            if (time - v.time() <= VIEW_WINDOW_MS) {
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
      case PRODUCT_ADDED -> {
        String p = productId(properties);
        if (p != null) {
          s.add(p, quantity(properties));
        }
      }
      case PRODUCT_REMOVED -> {
        String p = productId(properties);
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
  public synchronized List<Recommendation> recommend(Shopper shopper, int n, Kind kind) {
    if (shopper == null || n <= 0) {
      return List.of();
    }
    candidates.start(index.size());
    if (kind != Kind.VIEWED_TOGETHER) {
      List<String> seeds = new ArrayList<>(shopper.cart.keySet());
      String[] bought = shopper.purchased.toArray(new String[0]);
      // Purchases are distinct, so a purchase is already a seed only when it is in the cart.
      for (int i = bought.length - 1; i >= 0 && seeds.size() < MAX_SEEDS; i--) {
        if (!shopper.cart.containsKey(bought[i])) {
          seeds.add(bought[i]);
        }
      }
      score(this.bought, seeds);
    }
    if (kind != Kind.BOUGHT_TOGETHER) {
      List<String> seeds = new ArrayList<>();
      for (int i = shopper.views.size() - 1; i >= 0 && seeds.size() < MAX_SEEDS; i--) {
        String p = shopper.views.get(i).product();
        if (!seeds.contains(p)) {
          seeds.add(p);
        }
      }
      candidates.nextPass();
      score(viewed, seeds);
    }
    int[] top =
        candidates.top(
            n,
            p -> {
              String id = index.id(p);
              return shopper.purchased.contains(id) || shopper.cart.containsKey(id);
            },
            index);
    Recommendation[] out = new Recommendation[top.length];
    for (int i = 0; i < top.length; i++) {
      int p = top[i];
      out[i] =
          new Recommendation(
              catalog.describe(index.id(p)), candidates.score(p), candidates.because(p));
    }
    return List.of(out);
  }

  /** The products in the profile's cart, with {@code quantity}, in the order first added. */
  public synchronized List<Map<String, Object>> cart(Shopper shopper) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (shopper != null) {
      shopper.cart.forEach(
          (id, q) -> {
            Map<String, Object> m = catalog.describe(id).view();
            m.put("quantity", q);
            out.add(m);
          });
    }
    return out;
  }

  /** The profile's last {@code n} distinct viewed products, most recent first. */
  public synchronized List<Map<String, Object>> recentlyViewed(Shopper shopper, int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (shopper != null) {
      Set<String> seen = new LinkedHashSet<>();
      for (int i = shopper.views.size() - 1; i >= 0 && seen.size() < n; i--) {
        seen.add(shopper.views.get(i).product());
      }
      seen.forEach(id -> out.add(catalog.describe(id).view()));
    }
    return out;
  }

  /** How many products the model knows and how many pairs it holds, per kind; for benchmarks. */
  public synchronized String size() {
    return "bought: "
        + bought.items.size()
        + " products, "
        + bought.pairs()
        + " pairs; viewed: "
        + viewed.items.size()
        + " products, "
        + viewed.pairs()
        + " pairs";
  }

  /**
   * Adds each seed's neighbours to the candidates, seed after seed in order, so every candidate's
   * score is summed in the same order as ever (floating-point sums depend on it).
   */
  private void score(Cooccurrence model, List<String> seeds) {
    for (String seed : seeds) {
      Cooccurrence.Item item = model.items.get(seed);
      if (item == null) {
        continue;
      }
      long[] count = model.count;
      int[] others = item.others;
      long[] together = item.counts;
      double seedCount = Math.max(1, count[item.index]);
      for (int i = 0; i < item.size; i++) {
        int other = others[i];
        double cos = together[i] / Math.sqrt(seedCount * Math.max(1, count[other]));
        candidates.add(other, cos, seed);
      }
    }
  }

  private boolean learnable(String product) {
    if (!catalog.isEmpty()) {
      return catalog.get(product) != null;
    }
    return bought.items.size() < MAX_PRODUCTS
        || bought.items.containsKey(product)
        || viewed.items.containsKey(product);
  }

  /** Segment e-commerce spec: {@code product_id}, else {@code sku}, else {@code id}. */
  static String productId(Map<?, ?> m) {
    for (String key : new String[] {"product_id", "sku", "id"}) {
      Object v = m.get(key);
      if (v instanceof String s && !s.isBlank()) {
        return s;
      }
      if (v instanceof Number num) {
        return num.toString();
      }
    }
    return null;
  }

  private static long quantity(Map<String, Object> properties) {
    Object q = properties.get("quantity");
    return q instanceof Number n && n.longValue() > 0 ? n.longValue() : 1;
  }
}
