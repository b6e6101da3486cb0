package io.kairos.bench;

/**
 * The shop the simulated customers browse: products with a category and a price, and the site's
 * pages. Products are picked with a squared-uniform skew so a few bestsellers dominate, as in any
 * real catalogue. Cart items are derived from a per-cart seed instead of being stored, so a cart
 * costs one int per user however many items it holds.
 */
final class Catalog {

  static final int PRODUCTS = 5000;

  static final String[] CATEGORIES = {
    "shoes", "apparel", "accessories", "electronics", "home", "beauty", "sports", "books"
  };

  /** Path and title of each page; index 0 is where web sessions land. */
  static final String[][] PAGES = {
    {"/", "Home"},
    {"/c/shoes", "Shoes"},
    {"/c/apparel", "Apparel"},
    {"/c/electronics", "Electronics"},
    {"/sale", "Sale"},
    {"/search", "Search"},
    {"/cart", "Cart"},
    {"/account", "Account"},
    {"/blog/spring-lookbook", "Spring lookbook"},
    {"/help/shipping", "Shipping"}
  };

  private static final int[] ENDINGS = {99, 50, 0, 95};

  private static final int[] PRICE_CENTS = new int[PRODUCTS];

  static {
    for (int p = 0; p < PRODUCTS; p++) {
      long h = SplitMix.mix(0x5EED_CA7AL + p);
      int dollars = 3 + (int) ((h >>> 40) % 197);
      PRICE_CENTS[p] = dollars * 100 + ENDINGS[(int) (h & 3)];
    }
  }

  private Catalog() {}

  static int priceCents(int product) {
    return PRICE_CENTS[product];
  }

  static String category(int product) {
    return CATEGORIES[product % CATEGORIES.length];
  }

  static int pick(SplitMix rng) {
    return skewed(rng.nextDouble());
  }

  static int cartProduct(int cartSeed, int item) {
    return skewed((SplitMix.mix(cartSeed * 31L + item) >>> 11) * 0x1.0p-53);
  }

  /** Mostly one of a kind; sometimes two or three. */
  static int cartQuantity(int cartSeed, int item) {
    int r = (int) (SplitMix.mix(cartSeed * 37L + item + 0x9E37L) & 15);
    return r < 12 ? 1 : r < 15 ? 2 : 3;
  }

  private static int skewed(double uniform) {
    return (int) (PRODUCTS * uniform * uniform);
  }
}
