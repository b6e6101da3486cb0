package io.kairos.server.ingest;

import io.kairos.server.store.SqlWork;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The event log as the runtime sees it: the {@code events} table is written only by the ingest
 * writer, in increasing {@code seq}; this says how far it is committed and lets the runtime add its
 * own rows (API triggers, erasures) through the same writer, so seqs stay one increasing sequence.
 */
public interface EventLog {

  /** The highest seq committed so far (0 before the first event). */
  long lastCommittedSeq();

  /**
   * Waits until every message acknowledged before this call is in the store (acknowledged means on
   * disk in the ingest log; the log's writer moves it into {@code events} moments later).
   *
   * @return the last committed seq then, or -1 when {@code limit} passed first
   */
  long awaitStored(java.time.Duration limit);

  /**
   * Calls {@code listener} with the highest committed seq after every commit, on the writer thread:
   * the listener must return quickly (signal a condition, not do work).
   */
  void onCommitted(LongConsumer listener);

  /**
   * Calls {@code listener} with the rows of every commit, on the writer thread, before {@link
   * #lastCommittedSeq()} shows them: the runtime's partitions take them from memory instead of
   * reading them back. The listener must return quickly and must not change the list.
   */
  void onCommittedRows(RowsListener listener);

  /** Receives the rows of one commit. */
  @FunctionalInterface
  interface RowsListener {
    /**
     * @param after the highest seq committed before
     * @param upTo the highest seq committed now
     * @param rows every row with a seq in {@code (after, upTo]}, in seq order
     */
    void committed(long after, long upTo, List<StoredRow> rows);
  }

  /** One {@code events} row as it was committed. */
  record StoredRow(
      long seq,
      int partition,
      String workspace,
      String profile,
      String messageId,
      String type,
      String name,
      long timestamp,
      long receivedAt,
      String mergeFrom,
      byte[] body) {}

  /**
   * Appends rows of the runtime's own kinds, committed together with the next group of tracked
   * events. Their profile is given (no identity resolution, no dedupe); the partition is the
   * profile's. A row of type {@code erase} (a GDPR erasure) is committed in a transaction of its
   * own that also deletes the profile's {@code identities} rows: from then on its userId and
   * anonymous ids lead to no profile, and a later event of one starts a new one.
   *
   * @return completes with the seq of the last row once the rows are committed; completes
   *     exceptionally when the store failed or the server is stopping (nothing was written)
   */
  CompletableFuture<Long> append(List<LogEntry> entries);

  /**
   * Like {@link #append(List)}, and runs {@code alongside} in the same transaction, after the rows
   * are inserted: the caller's own rows change if and only if the events are logged (the dispatcher
   * records a message's outcome and its {@code Message Sent} event together). {@code entries} may
   * be empty. {@code alongside} must be quick; when it throws, nothing of this call is written and
   * the future completes exceptionally.
   *
   * @return completes with the seq of the last row (the last committed seq when there are none)
   */
  CompletableFuture<Long> append(List<LogEntry> entries, SqlWork<?> alongside);

  /**
   * Says that the {@code alongside} work of an {@link #append(List, SqlWork)} about to be made
   * claims these entries' messageIds in the dedupe table ({@code message_ids}) itself, so that a
   * tracked message with one of them is found a duplicate. Call it before the append.
   */
  void claiming(List<LogEntry> entries);

  /**
   * One row to append.
   *
   * @param type the row type, e.g. {@code trigger} or {@code erase}
   * @param name what the runtime wants in {@code name} (a journey id...)
   * @param messageId an id for the row; the log keeps it, nothing dedupes on it
   * @param body the row's body, as the runtime will read it back
   */
  record LogEntry(
      String workspace,
      String profile,
      String type,
      String name,
      String messageId,
      long timestamp,
      long receivedAt,
      byte[] body) {}
}
