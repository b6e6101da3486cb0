package io.kairos.channel;

import java.util.Objects;

/**
 * One message, rendered and addressed, for one attempt.
 *
 * @param id the message's deterministic id: the same on every attempt, so it travels as the SMTP
 *     {@code Message-ID}, the HTTP {@code Idempotency-Key} and the webhook id, and a provider can
 *     recognise a retry
 * @param workspace the workspace it belongs to
 * @param profile the customer it goes to
 * @param attempt 1 for the first attempt, then 2, 3, ...
 * @param content what to send and where, per channel
 */
public record Delivery(String id, String workspace, String profile, int attempt, Content content) {
  public Delivery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(content, "content");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1, got " + attempt);
    }
  }
}
