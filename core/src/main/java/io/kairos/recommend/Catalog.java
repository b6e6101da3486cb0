package io.kairos.recommend;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The products a shop sells, by id, in file order. Immutable. */
public final class Catalog {

  /** No catalogue: recommendations then carry only product ids. */
  public static final Catalog EMPTY = new Catalog(List.of());

  private final Map<String, Product> byId;

  /**
   * @throws IllegalArgumentException when two products share an id
   */
  public Catalog(List<Product> products) {
    Map<String, Product> m = new LinkedHashMap<>();
    for (Product p : products) {
      if (m.put(p.id(), p) != null) {
        throw new IllegalArgumentException("product '" + p.id() + "' is listed twice");
      }
    }
    this.byId = m;
  }

  public Product get(String id) {
    return byId.get(id);
  }

  public boolean isEmpty() {
    return byId.isEmpty();
  }

  public int size() {
    return byId.size();
  }

  public Collection<Product> products() {
    return byId.values();
  }

  /** The product, or one known by its id only when the catalogue does not list it. */
  Product describe(String id) {
    Product p = byId.get(id);
    return p != null ? p : Product.unknown(id);
  }
}
