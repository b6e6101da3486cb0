package io.kairos.bench;

import io.kairos.recommend.Catalog;
import io.kairos.recommend.Recommender;
import io.kairos.recommend.Shopper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The product co-occurrence model ({@link Recommender}) on its own, one thread.
 *
 * <p>Workload (seed 42): 5,000 products, 10,000 customers; 500,000 {@code Order Completed} of 1–4
 * products drawn uniformly, each followed by one or two {@code Product Viewed} of the same customer
 * a few minutes apart. Every product then has the full 50 neighbours per kind, and every customer
 * about 100 purchases and 20 recent views, so a recommendation has 20 bought-together seeds and up
 * to 20 viewed-together seeds of 50 neighbours each.
 *
 * <ul>
 *   <li>{@code observeOrder}: learning, ops/s = orders/s: the workload's orders fed again, in turn,
 *       into the trained model (each order pairs its products both ways);
 *   <li>{@code recommend}: {@code recommend(shopper, n, kind)} for customers taken in turn, ops/s =
 *       calls/s.
 * </ul>
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/kairos-bench.jar RecommenderBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class RecommenderBenchmark {
  static final int PRODUCTS = 5_000;
  static final int CUSTOMERS = 10_000;
  static final int ORDERS = 500_000;

  /** The trained model and the customers' shopper states. */
  @State(Scope.Thread)
  public static class Workload {
    Recommender model;
    Shopper[] shoppers;
    List<Map<String, Object>> orders;
    int[] customers;
    long time;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom r = new SplittableRandom(42);
      orders = new ArrayList<>(ORDERS);
      customers = new int[ORDERS];
      for (int i = 0; i < ORDERS; i++) {
        int k = 1 + r.nextInt(4);
        String[] ids = new String[k];
        for (int j = 0; j < k; j++) {
          ids[j] = product(r.nextInt(PRODUCTS));
        }
        orders.add(order(ids));
        customers[i] = r.nextInt(CUSTOMERS);
      }
      model = new Recommender(Catalog.EMPTY);
      shoppers = new Shopper[CUSTOMERS];
      time = 1_767_225_600_000L;
      for (int i = 0; i < ORDERS; i++) {
        int c = customers[i];
        time += 1_000;
        for (int v = 1 + r.nextInt(2); v > 0; v--) {
          shoppers[c] =
              model.observe(
                  shoppers[c],
                  Recommender.PRODUCT_VIEWED,
                  Map.of("product_id", product(r.nextInt(PRODUCTS))),
                  time += 60_000);
        }
        shoppers[c] = model.observe(shoppers[c], Recommender.ORDER_COMPLETED, orders.get(i), time);
      }
    }
  }

  /** What {@code recommend} asks for. */
  @State(Scope.Thread)
  public static class Query {
    @Param({"3", "20"})
    int n;

    @Param({"ALL", "BOUGHT_TOGETHER"})
    Recommender.Kind kind;
  }

  static String product(int i) {
    return "p-" + i;
  }

  static Map<String, Object> order(String... ids) {
    List<Object> products = new ArrayList<>(ids.length);
    for (String id : ids) {
      products.add(Map.of("product_id", id, "price", 19.99, "quantity", 1));
    }
    return Map.of("order_id", "o", "products", products);
  }

  /** One recommendation for the next customer in turn. */
  @Benchmark
  public Object recommend(Workload w, Query q) {
    int c = w.next;
    w.next = c + 1 == CUSTOMERS ? 0 : c + 1;
    return w.model.recommend(w.shoppers[c], q.n, q.kind);
  }

  /**
   * One more order of the workload (again from the first when all were seen) into the trained
   * model: the steady state, every product's neighbour lists full and churning.
   */
  @Benchmark
  public Object observeOrder(Workload w) {
    int i = w.next;
    w.next = i + 1 == ORDERS ? 0 : i + 1;
    int c = w.customers[i];
    w.time += 1_000;
    return w.shoppers[c] =
        w.model.observe(w.shoppers[c], Recommender.ORDER_COMPLETED, w.orders.get(i), w.time);
  }
}
