package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.recommend.Catalog;
import io.kairos.recommend.Product;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecommendationEngineTest {

  static final Catalog CATALOG =
      new Catalog(
          List.of(
              new Product("shoes", "Shoes", 80.0, "footwear", null, null),
              new Product("jeans", "Jeans", 60.0, "bottoms", null, null),
              new Product("belt", "Belt", 25.0, "accessories", null, null)));

  static final String CROSS_SELL =
      """
      id: cross-sell
      goal: sell what goes with the order
      trigger:
        event: Order Completed
        where: size(recommendations(3, "bought_together")) > 0
      entry: parallel
      steps:
        - branch:
            - if: recommendations(1, "bogus").size() > 0
              goto: end
        - send: email
          template: cross-sell
          data:
            products: recommendations(2)
            first: recommendations(1)[0].name
            viewed: recently_viewed(5)
            cart: cart()
            fixed: 3
      """;

  static Map<String, Object> order(String... ids) {
    return Map.of(
        "products", java.util.Arrays.stream(ids).map(i -> Map.of("product_id", i)).toList());
  }

  @Test
  void conditionsAndSendDataSeeTheModelLearntSoFarExcludingWhatWasBought() {
    DefinitionsHarness h =
        DefinitionsHarness.of(CATALOG, "cross-sell.yaml", CROSS_SELL)
            .track("ann", "2026-03-01T10:00:00Z", "Order Completed", order("shoes", "jeans"))
            .track("ann", "2026-03-01T11:00:00Z", "Order Completed", order("shoes", "belt"))
            .track("bob", "2026-03-02T09:00:00Z", "Product Viewed", Map.of("product_id", "belt"))
            .track("bob", "2026-03-02T09:01:00Z", "Product Added", Map.of("product_id", "belt"))
            .track("bob", "2026-03-02T10:00:00Z", "Order Completed", order("shoes"));
    // ann's first order: she bought both, so nothing is left to recommend to her.
    assertThat(h.lines("enter"))
        .containsExactly("2026-03-02T10:00:00Z cross-sell bob trigger enter");
    assertThat(h.of(Effect.Entered.class).get(0).reason())
        .isEqualTo(
            "event 'Order Completed' matched where size(recommendations(3, \"bought_together\"))"
                + " > 0 was true");
    Effect.BranchTaken branch = h.of(Effect.BranchTaken.class).get(0);
    assertThat(branch.target()).isEqualTo("step-2");
    assertThat(branch.reason()).contains("unknown recommendation kind 'bogus'");
    Effect.Send send = h.of(Effect.Send.class).get(0);
    // The order emptied bob's cart; belt and jeans each went once with shoes (1/sqrt(3)): by id.
    assertThat(send.data())
        .containsOnlyKeys("products", "first", "viewed", "cart", "fixed")
        .containsEntry("first", "Belt")
        .containsEntry("cart", List.of())
        .containsEntry("fixed", 3L)
        .containsEntry(
            "viewed",
            List.of(
                Map.of("id", "belt", "name", "Belt", "price", 25.0, "category", "accessories")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> products = (List<Map<String, Object>>) send.data().get("products");
    assertThat(products).extracting(p -> p.get("id")).containsExactly("belt", "jeans");
    assertThat(send.reason())
        .isEqualTo(
            "step step-2: marketing email with template 'cross-sell'; data: products=[belt,"
                + " jeans], first=Belt, viewed=[belt], cart=[], fixed=3");
  }
}
