package io.kairos.server.ingest;

import io.kairos.event.EventType;

/**
 * A valid message, ready for the log: what the writer needs to dedupe it, route it to a profile and
 * store it.
 *
 * @param timestamp the event time after the clock-skew and future rules
 * @param receivedAt when the request arrived (the server's clock)
 * @param body the message as it is stored: UTF-8 JSON the core parser accepts on its own
 */
record Accepted(
    String workspace,
    String messageId,
    EventType type,
    String name,
    String userId,
    String anonymousId,
    String previousId,
    long timestamp,
    long receivedAt,
    byte[] body) {}
