package io.kairos.bench;

import java.util.Arrays;

/**
 * The global clock: always advances the customer whose next event is earliest, so events come out
 * in non-decreasing time order while only one cursor per customer is held in memory.
 *
 * <p>Sign-up times are spread uniformly over the first 85% of the period and handed out in order,
 * so user ids roughly follow sign-up order (a sign-up at night in the customer's zone moves to the
 * morning). Same-second ties across customers come out in user order.
 */
final class Timeline {

  private static final double SIGNUP_WINDOW = 0.85;

  private final ShopperQueue queue;
  private final Shoppers shoppers;

  Timeline(Population people, long seed, double gapScale, long startEpochSecond, long spanSeconds) {
    int users = people.size();
    SplitMix rng = new SplitMix(seed);
    this.shoppers = new Shoppers(people, rng, gapScale, startEpochSecond);
    long[] signups = new long[users];
    for (int u = 0; u < users; u++) {
      signups[u] = (long) (rng.nextDouble() * SIGNUP_WINDOW * spanSeconds);
    }
    Arrays.sort(signups);
    long[] keys = new long[users];
    for (int u = 0; u < users; u++) {
      keys[u] = ShopperQueue.key(shoppers.daytime(u, signups[u]), u);
    }
    this.queue = new ShopperQueue(keys);
  }

  /** Decides the next event in time order into {@code draft}. There is always one. */
  void next(Draft draft) {
    long top = queue.peek();
    int user = (int) (top & ShopperQueue.USER_MASK);
    long now = top >>> ShopperQueue.USER_BITS;
    long next = shoppers.step(user, now, draft);
    queue.replaceTop(ShopperQueue.key(next, user));
  }
}
