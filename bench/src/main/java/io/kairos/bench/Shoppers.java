package io.kairos.bench;

/**
 * What each customer does next: a small state machine per user, stepped one event at a time.
 *
 * <p>A session opens (Application Opened in the app, Page Viewed on the web), browses a few pages
 * and products, and in some sessions fills a cart, sometimes takes an item out again, and either
 * checks out or leaves. A left cart is sometimes come back for within minutes to two days, and then
 * mostly bought; otherwise it is forgotten. Between sessions a customer is away for an exponential
 * time whose mean depends on their tier, now and then much longer (a break of one to three weeks,
 * or a month and more), and nobody starts a session in the small hours of their own time zone.
 *
 * <p>State is kept in parallel primitive arrays (about 12 bytes a user) so that 500k customers cost
 * a few megabytes.
 */
final class Shoppers {

  /** Mean days between sessions per tier (heavy, moderate, light), before calibration. */
  private static final double[] GAP_DAYS = {0.5, 4.0, 18.0};

  private static final double BREAK_CHANCE = 0.05;
  private static final double LONG_BREAK_CHANCE = 0.02;
  private static final double CART_CHANCE = 0.35;
  private static final double CHECKOUT_CHANCE = 0.45;
  private static final double REMOVE_CHANCE = 0.15;
  private static final double COME_BACK_CHANCE = 0.35;
  private static final double RESUME_CART_CHANCE = 0.7;
  private static final double SAME_SECOND_CHANCE = 0.2;
  private static final int MIN_SESSION_GAP = 30 * 60;
  private static final int DAY = 86_400;

  private static final byte SIGNUP = 0;
  private static final byte OPEN = 1;
  private static final byte BROWSE = 2;
  private static final byte ADD = 3;
  private static final byte REMOVE = 4;
  private static final byte CHECKOUT = 5;

  private final Population people;
  private final SplitMix rng;
  private final double gapScale;
  private final long startEpochSecond;

  private final byte[] phase;
  private final byte[] browseLeft;
  private final byte[] cartTarget;
  private final byte[] cartSize;
  private final boolean[] buys;
  private final int[] cartSeed;
  private long orders;

  Shoppers(Population people, SplitMix rng, double gapScale, long startEpochSecond) {
    int n = people.size();
    this.people = people;
    this.rng = rng;
    this.gapScale = gapScale;
    this.startEpochSecond = startEpochSecond;
    this.phase = new byte[n];
    this.browseLeft = new byte[n];
    this.cartTarget = new byte[n];
    this.cartSize = new byte[n];
    this.buys = new boolean[n];
    this.cartSeed = new int[n];
  }

  /** Decides {@code user}'s event at {@code now} into {@code draft}; returns their next second. */
  long step(int user, long now, Draft draft) {
    draft.reset(user, now);
    switch (phase[user]) {
      case SIGNUP:
        draft.name = EventName.SIGNED_UP;
        draft.detail = rng.nextInt(3);
        phase[user] = OPEN;
        return now + quickGap();
      case OPEN:
        return open(user, now, draft);
      case BROWSE:
        return browse(user, now, draft);
      case ADD:
        return add(user, now, draft);
      case REMOVE:
        draft.name = EventName.PRODUCT_REMOVED;
        draft.cartSeed = cartSeed[user];
        draft.item = --cartSize[user];
        return afterCart(user, now);
      case CHECKOUT:
        draft.name = EventName.ORDER_COMPLETED;
        draft.cartSeed = cartSeed[user];
        draft.item = cartSize[user];
        draft.detail = ++orders;
        cartSize[user] = 0;
        return endSession(user, now);
      default:
        throw new IllegalStateException("phase " + phase[user]);
    }
  }

  private long open(int user, long now, Draft draft) {
    boolean app = people.platform(user) != Population.WEB;
    draft.name = app ? EventName.APPLICATION_OPENED : EventName.PAGE_VIEWED;
    draft.page = 0;
    if (cartSize[user] > 0 && rng.chance(RESUME_CART_CHANCE)) {
      cartTarget[user] = cartSize[user];
      buys[user] = true;
      browseLeft[user] = 1;
    } else {
      cartSize[user] = 0;
      cartSeed[user] = (int) rng.nextLong();
      browseLeft[user] = (byte) (1 + Math.min(20, (int) rng.exponential(2.0)));
      cartTarget[user] = (byte) (rng.chance(CART_CHANCE) ? 1 + extraItems() : 0);
      buys[user] = rng.chance(CHECKOUT_CHANCE);
    }
    phase[user] = BROWSE;
    return now + quickGap();
  }

  private int extraItems() {
    return (rng.chance(0.3) ? 1 : 0) + (rng.chance(0.1) ? 1 : 0);
  }

  private long browse(int user, long now, Draft draft) {
    boolean aboutToAdd = browseLeft[user] == 1 && cartSize[user] < cartTarget[user];
    if (aboutToAdd) {
      // people look at a product before they put it in the cart
      draft.name = EventName.PRODUCT_VIEWED;
      draft.product = Catalog.cartProduct(cartSeed[user], cartSize[user]);
    } else if (rng.chance(0.6)) {
      draft.name = EventName.PRODUCT_VIEWED;
      draft.product = Catalog.pick(rng);
    } else {
      draft.name = EventName.PAGE_VIEWED;
      draft.page = 1 + rng.nextInt(Catalog.PAGES.length - 1);
    }
    if (--browseLeft[user] > 0) {
      return now + quickGap();
    }
    if (cartSize[user] < cartTarget[user]) {
      phase[user] = ADD;
      return now + quickGap();
    }
    return afterCart(user, now);
  }

  private long add(int user, long now, Draft draft) {
    draft.name = EventName.PRODUCT_ADDED;
    draft.cartSeed = cartSeed[user];
    draft.item = cartSize[user]++;
    if (cartSize[user] < cartTarget[user]) {
      phase[user] = BROWSE;
      browseLeft[user] = 1;
      return now + quickGap();
    }
    if (rng.chance(REMOVE_CHANCE)) {
      phase[user] = REMOVE;
      return now + quickGap();
    }
    return afterCart(user, now);
  }

  private long afterCart(int user, long now) {
    if (cartSize[user] > 0 && buys[user]) {
      phase[user] = CHECKOUT;
      // filling in the address and paying takes a while
      return now + 30 + (long) rng.exponential(90);
    }
    return endSession(user, now);
  }

  private long endSession(int user, long now) {
    phase[user] = OPEN;
    long next;
    if (cartSize[user] > 0 && rng.chance(COME_BACK_CHANCE)) {
      // log-uniform from 10 minutes to 2 days: some come back before the reminder, most after
      next = now + (long) (600 * Math.pow(288, rng.nextDouble()));
    } else {
      cartSize[user] = 0;
      next = now + sessionGap(user);
    }
    return daytime(user, next);
  }

  private long sessionGap(int user) {
    double days = rng.exponential(GAP_DAYS[people.tier(user)] * gapScale);
    if (rng.chance(LONG_BREAK_CHANCE)) {
      days += 30 + 15 * rng.nextDouble();
    } else if (rng.chance(BREAK_CHANCE)) {
      days += 7 + 14 * rng.nextDouble();
    }
    return Math.max(MIN_SESSION_GAP, (long) (days * DAY));
  }

  /** Within a session: a fifth of the clicks land in the same second as the one before. */
  private long quickGap() {
    return rng.chance(SAME_SECOND_CHANCE) ? 0 : 1 + Math.min(600, (long) rng.exponential(35));
  }

  /** Moves a session that would start between midnight and 7 a.m. local to the morning. */
  long daytime(int user, long second) {
    long local = startEpochSecond + second + Population.offsetSeconds(people.place(user));
    long secondOfDay = Math.floorMod(local, DAY);
    if (secondOfDay < 7 * 3600 && rng.chance(0.85)) {
      return second + (7 * 3600 - secondOfDay) + rng.nextInt(4 * 3600);
    }
    return second;
  }
}
