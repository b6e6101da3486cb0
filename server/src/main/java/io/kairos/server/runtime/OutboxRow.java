package io.kairos.server.runtime;

/** One {@code outbox} row: a message or webhook call the engine decided, for the dispatcher. */
record OutboxRow(
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
    Long expiresAt,
    String payload) {}
