package io.kairos.policy;

import io.kairos.journey.Category;

/**
 * A candidate message, as the policies see it.
 *
 * @param id the message id (the idempotency key), the same across deferrals
 * @param channel email, sms, push, webhook or inbox
 * @param category decides which rules apply and the priority
 * @param topic the subscription topic, or null
 * @param createdAt when the journey decided to send it
 * @param expiresAt the latest moment it may still go out; Long.MAX_VALUE when it never expires
 * @param expireAfter the {@code expire_after} text for reasons, or null
 */
public record Message(
    String id,
    String channel,
    Category category,
    String topic,
    long createdAt,
    long expiresAt,
    String expireAfter) {

  /** Lower goes first; see {@link Category#priority()}. */
  public int priority() {
    return category.priority();
  }
}
