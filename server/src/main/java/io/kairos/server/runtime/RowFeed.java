package io.kairos.server.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One partition's share of the log rows committed lately, as the log's writer handed them over at
 * its commits, so the partition writer applies them without reading them back from the store.
 *
 * <p>Each commit adds the rows of its seq range {@code (after, upTo]} that belong to the partition
 * (none is a valid share: the range is still covered). The feed only answers for a cursor inside
 * the ranges it holds without a gap; otherwise (after a start, or once a writer fell so far behind
 * that the oldest ranges were dropped to bound the memory) the writer reads from the store, which
 * holds the same rows, until it reaches what the feed holds.
 */
final class RowFeed {
  /** What is held at most: beyond it the oldest ranges go (their rows are in the store). */
  static final int MAX_ROWS = 20_000;

  private static final int MAX_RANGES = 4_096;

  /** The rows to apply, and the seq up to which they are all there is of the partition. */
  record Slice(List<LogEntry> rows, long coveredUpTo) {}

  private record Range(long after, long upTo, List<LogEntry> rows) {}

  private final ArrayDeque<Range> ranges = new ArrayDeque<>();
  private int held;

  /** Adds one commit's share; {@code rows} are in seq order, all in {@code (after, upTo]}. */
  synchronized void add(long after, long upTo, List<LogEntry> rows) {
    Range last = ranges.peekLast();
    if (last != null && last.upTo() != after) {
      // A range was not handed over (a listener added late, a commit without one): what is held
      // can never join what comes now.
      ranges.clear();
      held = 0;
    }
    if (last != null && rows.isEmpty() && last.upTo() == after) {
      ranges.pollLast();
      ranges.addLast(new Range(last.after(), upTo, last.rows()));
      return;
    }
    ranges.addLast(new Range(after, upTo, rows));
    held += rows.size();
    while (held > MAX_ROWS || ranges.size() > MAX_RANGES) {
      held -= ranges.pollFirst().rows().size();
    }
  }

  /**
   * The rows after {@code cursor} up to {@code high}, at most {@code limit} of them.
   *
   * @return null when the feed does not hold the rows right after {@code cursor}: read the store
   */
  synchronized Slice take(long cursor, long high, int limit) {
    while (!ranges.isEmpty() && ranges.peekFirst().upTo() <= cursor) {
      held -= ranges.pollFirst().rows().size();
    }
    Range first = ranges.peekFirst();
    if (first == null || first.after() > cursor) {
      return null;
    }
    List<LogEntry> out = new ArrayList<>();
    long covered = cursor;
    for (Range r : ranges) {
      if (r.after() >= high) {
        break;
      }
      for (LogEntry e : r.rows()) {
        if (e.seq() <= cursor) {
          continue;
        }
        if (e.seq() > high) {
          break;
        }
        if (out.size() == limit) {
          return new Slice(out, e.seq() - 1);
        }
        out.add(e);
      }
      covered = Math.min(r.upTo(), high);
    }
    return new Slice(out, covered);
  }

  /** How many rows are held, for tests. */
  synchronized int held() {
    return held;
  }
}
