package io.kairos.bench;

/**
 * The event just decided, before it is written. One instance is reused for every event: at ten
 * million events an allocation each is measurable, and nothing keeps a draft past the write.
 */
final class Draft {

  int user;

  /** Seconds since the start of the simulated period. */
  long second;

  EventName name;

  /** Product of Product Viewed. */
  int product;

  /** Page of Page Viewed. */
  int page;

  /** Cart of Product Added/Removed and Order Completed; items are derived from it. */
  int cartSeed;

  /** The cart item added or removed; for Order Completed, the number of items bought. */
  int item;

  /** Order number of Order Completed; signup method of Signed Up. */
  long detail;

  void reset(int user, long second) {
    this.user = user;
    this.second = second;
  }
}
