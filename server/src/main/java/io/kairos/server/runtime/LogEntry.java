package io.kairos.server.runtime;

/**
 * One {@code events} row as a partition writer applies it: read back from the store, or handed over
 * by the log's writer as it committed it ({@link InputLog#onCommittedRows}).
 */
public record LogEntry(
    long seq,
    int partition,
    String workspace,
    String profile,
    String type,
    String name,
    long timestamp,
    long receivedAt,
    String mergeFrom,
    byte[] body) {}
