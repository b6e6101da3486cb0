package io.kairos.recommend;

import io.kairos.expr.Recommendations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One profile's recommendations as expressions see them: the model plus its shopper state. */
public final class ShopperRecommendations implements Recommendations {
  private final Recommender model;
  private final Shopper shopper;

  /**
   * @param shopper the profile's state, or null when it has none
   */
  public ShopperRecommendations(Recommender model, Shopper shopper) {
    this.model = model;
    this.shopper = shopper;
  }

  @Override
  public List<Map<String, Object>> recommend(int n, String kind) {
    Recommender.Kind k = kind == null ? Recommender.Kind.ALL : Recommender.Kind.parse(kind);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Recommender.Recommendation r : model.recommend(shopper, n, k)) {
      out.add(r.view());
    }
    return out;
  }

  @Override
  public List<Map<String, Object>> cart() {
    return model.cart(shopper);
  }

  @Override
  public List<Map<String, Object>> recentlyViewed(int n) {
    return model.recentlyViewed(shopper, n);
  }
}
