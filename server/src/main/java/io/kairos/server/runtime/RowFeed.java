package io.kairos.server.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One partition's share of the log rows handed over lately ({@link InputLog#onRows}), so the
 * partition writer applies them without waiting for the store or reading them back.
 *
 * <p>Each hand-over adds the rows of its seq range {@code (after, upTo]} that belong to the
 * partition (none is a valid share: the range is still covered). Ranges come in any order: the
 * log's writer hands tracked messages over when they are logged and its own rows when they are
 * committed. The feed answers for a cursor only with the ranges that follow it without a gap; a
 * writer stops at a gap until it is filled. When the feed does not hold the range right after a
 * cursor (after a start, or once a writer fell so far behind that its oldest ranges were dropped to
 * bound the memory), the writer reads from the store, up to where the log is committed without a
 * gap.
 */
final class RowFeed {
  /** What is held at most: beyond it the oldest ranges go (the store will have their rows). */
  static final int MAX_ROWS = 20_000;

  private static final int MAX_RANGES = 4_096;

  /** The rows to apply, and the seq up to which they are all there is of the partition. */
  record Slice(List<LogEntry> rows, long coveredUpTo) {}

  private record Range(long after, long upTo, List<LogEntry> rows) {}

  /** By the seq before each range. */
  private final TreeMap<Long, Range> ranges = new TreeMap<>();

  private int held;

  /** Adds one hand-over's share; {@code rows} are in seq order, all in {@code (after, upTo]}. */
  synchronized void add(long after, long upTo, List<LogEntry> rows) {
    if (upTo <= after || ranges.containsKey(after)) {
      return;
    }
    ranges.put(after, new Range(after, upTo, rows));
    held += rows.size();
    while (held > MAX_ROWS || ranges.size() > MAX_RANGES) {
      held -= ranges.pollFirstEntry().getValue().rows().size();
    }
  }

  /**
   * The rows after {@code cursor}, at most {@code limit} of them, from the ranges that follow it
   * without a gap.
   *
   * @return null when the feed does not hold the range right after {@code cursor}
   */
  synchronized Slice take(long cursor, int limit) {
    while (!ranges.isEmpty() && ranges.firstEntry().getValue().upTo() <= cursor) {
      held -= ranges.pollFirstEntry().getValue().rows().size();
    }
    Map.Entry<Long, Range> first = ranges.floorEntry(cursor);
    if (first == null) {
      return null;
    }
    List<LogEntry> out = new ArrayList<>();
    long covered = cursor;
    for (Range r = first.getValue(); r != null; r = ranges.get(covered)) {
      for (LogEntry e : r.rows()) {
        if (e.seq() <= cursor) {
          continue;
        }
        if (out.size() == limit) {
          return new Slice(out, e.seq() - 1);
        }
        out.add(e);
      }
      covered = r.upTo();
    }
    return new Slice(out, covered);
  }

  /** How many rows are held, for tests. */
  synchronized int held() {
    return held;
  }
}
