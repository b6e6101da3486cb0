package io.kairos.policy;

/** What the policies say about a message at one moment: send it now, later, or never. */
public sealed interface Decision {

  /** Why, in a sentence a marketer can read. */
  String reason();

  /** Send now. */
  record SendNow(String reason) implements Decision {}

  /** Hold the message until {@code until}, then decide again (the history may have changed). */
  record Defer(long until, String reason) implements Decision {}

  /**
   * Do not send, ever.
   *
   * @param cause one word: {@code unsubscribed}, {@code not_opted_in}, {@code suppressed}, {@code
   *     no_address}, {@code expired}
   */
  record Skip(String cause, String reason) implements Decision {}
}
