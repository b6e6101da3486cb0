package io.kairos.recommend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One product of the catalogue. Only {@code id} is required; the rest may be null.
 *
 * @param price in the shop's currency
 */
public record Product(
    String id, String name, Double price, String category, String url, String image) {

  /** A product known only by its id (seen in events, not in the catalogue). */
  public static Product unknown(String id) {
    return new Product(id, null, null, null, null, null);
  }

  /** The product as expressions and templates see it: only the fields that are known. */
  public Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    put(m, "name", name);
    put(m, "price", price);
    put(m, "category", category);
    put(m, "url", url);
    put(m, "image", image);
    return m;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
