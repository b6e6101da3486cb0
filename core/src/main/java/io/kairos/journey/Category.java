package io.kairos.journey;

/**
 * What kind of message a send step makes, which decides the policies it obeys and its priority.
 *
 * <p>In a journey file: {@code transactional}, {@code lifecycle}, and {@code marketing} (the
 * default; {@code promotional} is the same). {@link #MARKETING} and {@link #LIFECYCLE} are both
 * marketing messages (consent, quiet hours, caps and gaps apply); when they compete for the same
 * moment, lifecycle goes first. {@link #TRANSACTIONAL} messages bypass caps, gaps, quiet hours and
 * marketing unsubscribes, but not hard bounces or a missing address.
 */
public enum Category {
  /** Promotional marketing: newsletters, offers, cross-sell. The lowest priority. */
  MARKETING,
  /** Something the customer asked for or must know: receipts, password resets, shipping. */
  TRANSACTIONAL,
  /** Marketing that follows the customer's own lifecycle: welcome, onboarding, renewal. */
  LIFECYCLE;

  /** Whether consent, quiet hours, frequency caps and minimum gaps apply. */
  public boolean isMarketing() {
    return this != TRANSACTIONAL;
  }

  /** Lower goes first: transactional 0, lifecycle 1, marketing 2. */
  public int priority() {
    return switch (this) {
      case TRANSACTIONAL -> 0;
      case LIFECYCLE -> 1;
      case MARKETING -> 2;
    };
  }

  /** The word a journey file uses. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The category a journey file's word names, or null: promotional is marketing. */
  public static Category fromWord(String word) {
    return switch (word) {
      case "marketing", "promotional" -> MARKETING;
      case "transactional" -> TRANSACTIONAL;
      case "lifecycle" -> LIFECYCLE;
      default -> null;
    };
  }
}
