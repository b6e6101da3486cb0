package io.kairos.recommend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One profile's shopping: recent product views, the cart and what it bought. Bounded, so a profile
 * that browses for years stays small. Mutable; touched by one thread at a time with its profile.
 */
public final class Shopper {
  static final int MAX_VIEWS = 20;
  static final int MAX_CART = 50;
  static final int MAX_PURCHASED = 100;

  /** A product view; most recent last. */
  record View(String product, long time) {}

  final List<View> views = new ArrayList<>();
  final Map<String, Long> cart = new LinkedHashMap<>();
  final LinkedHashSet<String> purchased = new LinkedHashSet<>();

  void view(String product, long time) {
    views.add(new View(product, time));
    if (views.size() > MAX_VIEWS) {
      views.remove(0);
    }
  }

  void add(String product, long quantity) {
    cart.merge(product, quantity, Long::sum);
    if (cart.size() > MAX_CART) {
      Iterator<String> it = cart.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  void remove(String product, long quantity) {
    Long q = cart.get(product);
    if (q != null) {
      if (q <= quantity) {
        cart.remove(product);
      } else {
        cart.put(product, q - quantity);
      }
    }
  }

  void bought(String product) {
    purchased.remove(product); // moves it to the most recent end
    purchased.add(product);
    if (purchased.size() > MAX_PURCHASED) {
      Iterator<String> it = purchased.iterator();
      it.next();
      it.remove();
    }
  }

  /** Product ids in the cart, in the order first added, with their quantities. */
  public Map<String, Long> cart() {
    return Map.copyOf(cart);
  }

  /** Product ids bought, oldest first (the last {@value #MAX_PURCHASED}). */
  public List<String> purchased() {
    return List.copyOf(purchased);
  }

  /** Product ids of the recent views, oldest first (the last {@value #MAX_VIEWS}). */
  public List<String> viewed() {
    return views.stream().map(View::product).toList();
  }

  // ---- exactly as kept, for a state codec (io.kairos.engine.StateCodec) ---------------------

  /** The times of the recent views, oldest first, matching {@link #viewed()}. */
  public long[] viewTimes() {
    long[] t = new long[views.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = views.get(i).time();
    }
    return t;
  }

  /** The cart in the order products were first added ({@link #cart()} does not keep it). */
  public Map<String, Long> cartInOrder() {
    return java.util.Collections.unmodifiableMap(cart);
  }

  /**
   * Shopping as a stored profile kept it: views (products and times, oldest first), the cart in the
   * order first added, and purchases oldest first.
   *
   * @throws IllegalArgumentException when the views' products and times differ in number
   */
  public static Shopper restore(
      List<String> viewed, long[] viewTimes, Map<String, Long> cart, List<String> purchased) {
    if (viewed.size() != viewTimes.length) {
      throw new IllegalArgumentException("views: products and times differ in number");
    }
    Shopper s = new Shopper();
    for (int i = 0; i < viewTimes.length; i++) {
      s.views.add(new View(viewed.get(i), viewTimes[i]));
    }
    s.cart.putAll(cart);
    s.purchased.addAll(purchased);
    return s;
  }

  /**
   * Both of one customer's shopping after a profile merge: views interleaved by time, cart
   * quantities summed, purchases of both.
   */
  public static Shopper merge(Shopper target, Shopper source) {
    if (source == null) {
      return target;
    }
    if (target == null) {
      return source;
    }
    List<View> all = new ArrayList<>(target.views);
    all.addAll(source.views);
    all.sort((a, b) -> Long.compare(a.time(), b.time())); // stable: target's first on ties
    target.views.clear();
    for (View v : all) {
      target.view(v.product(), v.time());
    }
    source.cart.forEach(target::add);
    source.purchased.forEach(target::bought);
    return target;
  }
}
