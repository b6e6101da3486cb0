package io.kairos.server.runtime;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The {@code events} log as the runtime sees it: where inputs are appended, how far it is
 * committed, and a signal when it grows. Ingestion implements it with its group-commit writer;
 * {@link DirectInputLog} is a plain one for a server without ingestion and for tests.
 *
 * <p>The contract the runtime relies on: {@code seq} is assigned in increasing order and rows
 * become visible (committed) in that order, so a reader that has seen every row up to {@link
 * #lastCommittedSeq()} never finds a smaller seq later.
 */
public interface InputLog {

  /**
   * Appends rows durably: when it returns they are committed, with consecutive seqs.
   *
   * @return the seq of the last row
   */
  long append(List<InputRow> rows);

  /** The highest seq committed so far (0 for an empty log). */
  long lastCommittedSeq();

  /**
   * The highest seq committed once every input acknowledged before this call is committed: what
   * "everything sent so far" is for a caller that waits for the runtime to apply it. A log that
   * commits before it acknowledges has nothing to wait for.
   *
   * @return -1 when {@code limit} passed first
   */
  default long settledSeq(java.time.Duration limit) {
    return lastCommittedSeq();
  }

  /** Calls {@code listener} with the new highest seq after each commit, on the writer's thread. */
  void onCommitted(LongConsumer listener);

  /**
   * Calls {@code listener} with the rows of each commit, on the writer's thread, before {@link
   * #lastCommittedSeq()} shows them, so the partitions apply them without reading them back. A log
   * that does not offer this never calls it: the partitions then read every row from the store.
   */
  default void onCommittedRows(CommittedRows listener) {}

  /** Receives one commit's rows. */
  @FunctionalInterface
  interface CommittedRows {
    /**
     * @param after the highest seq committed before this commit
     * @param upTo the highest seq this commit committed
     * @param rows every row with a seq in {@code (after, upTo]}, in seq order
     */
    void committed(long after, long upTo, List<LogEntry> rows);
  }
}
