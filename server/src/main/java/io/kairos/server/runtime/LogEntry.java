package io.kairos.server.runtime;

/** One {@code events} row as a partition writer reads it. */
record LogEntry(
    long seq,
    String workspace,
    String profile,
    String type,
    String name,
    long timestamp,
    long receivedAt,
    String mergeFrom,
    byte[] body) {}
