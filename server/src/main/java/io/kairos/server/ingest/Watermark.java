package io.kairos.server.ingest;

import java.util.TreeMap;

/**
 * How far the log is committed without a gap. Seq ranges are finished out of order: the ingest
 * writer stores logged records in their order, but the runtime's rows take their seqs when they are
 * committed, after records logged since, and a range whose rows were never written (a log append or
 * a runtime append that failed) counts as finished when it is given up. The mark is the highest seq
 * up to which every range is finished: a reader of the store up to it never finds a smaller seq
 * later.
 */
final class Watermark {
  private long mark;

  /** Finished ranges beyond the mark: after → upTo. */
  private final TreeMap<Long, Long> ahead = new TreeMap<>();

  Watermark(long mark) {
    this.mark = mark;
  }

  /**
   * Records that {@code (after, upTo]} is finished.
   *
   * @return the mark now
   */
  synchronized long finish(long after, long upTo) {
    if (upTo <= mark) {
      return mark;
    }
    ahead.put(after, upTo);
    for (Long next; (next = ahead.remove(mark)) != null; ) {
      mark = next;
    }
    return mark;
  }

  synchronized long mark() {
    return mark;
  }

  /** Ranges finished beyond a gap, for tests. */
  synchronized int waiting() {
    return ahead.size();
  }
}
