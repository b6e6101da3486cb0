package io.kairos.server.delivery;

import java.util.Set;

/**
 * How an attempt leaves an outbox row: its next status, when it is due again (for {@code pending}),
 * what to tell people, and the marks it sets for the journey stats ({@link MessageMarks}: only
 * {@code DELIVERED}, {@code BOUNCED}, {@code FAILED} and {@code UNSUBSCRIBED} come from a
 * settlement).
 */
record Settlement(
    String workspace,
    String messageId,
    String status,
    long due,
    String outcome,
    String providerId,
    Set<MessageMarks.Mark> marks) {
  Settlement {
    marks = Set.copyOf(marks);
  }
}
