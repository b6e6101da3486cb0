package io.kairos.server.runtime;

/**
 * One {@code events} row as a partition writer applies it: read back from the store, or handed over
 * by the log's writer ({@link InputLog#onRows}).
 *
 * @param markerSeq for a row with {@code mergeFrom}, when the log's writer knows it: the seq of the
 *     {@code merge_out} marker written for this merge, in partition {@code markerPartition}; 0 when
 *     the reader must look it up in the store (a row read back from it)
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
    byte[] body,
    int markerPartition,
    long markerSeq) {

  /** A row read back from the store: its merge marker, if any, is looked up there. */
  public LogEntry(
      long seq,
      int partition,
      String workspace,
      String profile,
      String type,
      String name,
      long timestamp,
      long receivedAt,
      String mergeFrom,
      byte[] body) {
    this(
        seq,
        partition,
        workspace,
        profile,
        type,
        name,
        timestamp,
        receivedAt,
        mergeFrom,
        body,
        -1,
        0);
  }
}
