package io.kairos.server.delivery;

/**
 * How an attempt leaves an outbox row: its next status, when it is due again (for {@code pending}),
 * and what to tell people.
 */
record Settlement(
    String workspace,
    String messageId,
    String status,
    long due,
    String outcome,
    String providerId) {}
