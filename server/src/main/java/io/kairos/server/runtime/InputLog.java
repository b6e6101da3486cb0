package io.kairos.server.runtime;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The {@code events} log as the runtime sees it: where inputs are appended, how far it is
 * committed, and a signal when it grows. Ingestion implements it with its group-commit writer;
 * {@link DirectInputLog} is a plain one for a server without ingestion and for tests.
 *
 * <p>The contract the runtime relies on: a seq, once given to a row, is the row's for good (also
 * after a crash), and a reader that has seen every row up to {@link #lastCommittedSeq()} never
 * finds a smaller seq later. Rows handed over ({@link #onRows}) may have seqs beyond it.
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
   * Calls {@code listener} with rows as soon as their seqs are certain (durable in the log with
   * those seqs, committed or not), so the partitions apply them without waiting for the store or
   * reading them back. Ranges come in any order, each once; a range without rows still covers its
   * seqs. A log that does not offer this never calls it: the partitions then read every row from
   * the store, up to {@link #lastCommittedSeq()}.
   */
  default void onRows(Rows listener) {}

  /** Receives rows whose seqs are certain. */
  @FunctionalInterface
  interface Rows {
    /**
     * @param after the seq before the range
     * @param upTo the range's last seq
     * @param rows every row with a seq in {@code (after, upTo]}, in seq order
     */
    void handed(long after, long upTo, List<LogEntry> rows);
  }
}
