package io.kairos.channel;

import java.time.Duration;

/**
 * What one attempt came to. The dispatcher turns each into the message's next state and an event
 * ({@code Message Sent}, {@code Message Bounced}, ...).
 */
public sealed interface Outcome {

  /** A short, human-readable account for the timeline and the logs. */
  String detail();

  /**
   * The provider took the message.
   *
   * @param providerId the provider's id for it (SMTP queue id, Twilio SID, FCM name), or null
   */
  record Sent(String providerId, String detail) implements Outcome {}

  /**
   * Not taken, for now (a 4xx SMTP reply, HTTP 429 or 5xx, a refused connection, a timeout before
   * the request was sent): try again later.
   *
   * @param retryAfter how long the provider asked to wait ({@code Retry-After}), or null
   */
  record Retry(String detail, Duration retryAfter) implements Outcome {}

  /**
   * The request may have reached the provider but no answer came (a connection lost after SMTP
   * {@code DATA} or after an HTTP request was written). Retried with the same id, so a provider
   * that honours it drops the second copy.
   */
  record Ambiguous(String detail) implements Outcome {}

  /** The provider refused this message for good (a malformed request, a rejected payload). */
  record Failed(String detail) implements Outcome {}

  /**
   * The recipient's address does not take mail (an SMTP 5xx on the recipient): the address is
   * suppressed.
   */
  record Bounced(String detail) implements Outcome {}

  /**
   * The address is gone for good (a push subscription answered 404/410, an FCM token {@code
   * UNREGISTERED}, a webhook endpoint 410): it is removed, and the message does not go.
   */
  record Gone(String detail) implements Outcome {}
}
