package io.kairos.expr;

import java.util.List;
import java.util.Map;

/**
 * The product recommendations and shopping state of the profile an expression is evaluated for,
 * behind the CEL functions {@code recommendations(n)}, {@code recommendations(n, kind)}, {@code
 * cart()} and {@code recently_viewed(n)}. Each product is a map: {@code id}, and when the catalogue
 * knows them {@code name}, {@code price}, {@code category}, {@code url}, {@code image}.
 */
public interface Recommendations {

  /** No model: every list is empty. */
  Recommendations NONE =
      new Recommendations() {
        @Override
        public List<Map<String, Object>> recommend(int n, String kind) {
          return List.of();
        }

        @Override
        public List<Map<String, Object>> cart() {
          return List.of();
        }

        @Override
        public List<Map<String, Object>> recentlyViewed(int n) {
          return List.of();
        }
      };

  /**
   * The top {@code n} products, with {@code score} and {@code because}.
   *
   * @param kind {@code bought_together}, {@code viewed_together}, or null for both
   * @throws IllegalArgumentException for an unknown kind
   */
  List<Map<String, Object>> recommend(int n, String kind);

  /** The cart's products, each with {@code quantity}. */
  List<Map<String, Object>> cart();

  /** The last {@code n} distinct products viewed, most recent first. */
  List<Map<String, Object>> recentlyViewed(int n);
}
