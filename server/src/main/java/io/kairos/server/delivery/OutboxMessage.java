package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One outbox row as the dispatcher reads it.
 *
 * @param attempts attempts started before this one
 * @param expiresAt epoch ms after which it is not worth sending, or null for never
 * @param payload the engine's payload: {@code data}, {@code event}, {@code reason} for a message;
 *     {@code url}, {@code method}, {@code body} for a webhook step
 */
record OutboxMessage(
    String workspace,
    String messageId,
    String profile,
    String journey,
    String step,
    String channel,
    String template,
    String category,
    String topic,
    long createdAt,
    long due,
    int attempts,
    Long expiresAt,
    JsonNode payload) {

  /** The key the dispatcher tracks it by while an attempt is in flight. */
  Key key() {
    return new Key(workspace, messageId);
  }

  /** A webhook step's call (no template, no policies), as opposed to a message. */
  boolean isWebhookStep() {
    return template == null && "webhook".equals(channel) && payload.hasNonNull("url");
  }

  record Key(String workspace, String messageId) {}
}
