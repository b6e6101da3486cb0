package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowFeedTest {
  private static LogEntry row(long seq) {
    return new LogEntry(seq, 0, "default", "p" + seq, "track", "Viewed", 0, 0, null, new byte[0]);
  }

  private static List<LogEntry> rows(long... seqs) {
    List<LogEntry> out = new ArrayList<>();
    for (long s : seqs) {
      out.add(row(s));
    }
    return out;
  }

  private static List<Long> seqs(RowFeed.Slice slice) {
    return slice.rows().stream().map(LogEntry::seq).toList();
  }

  @Test
  void theRowsAfterTheCursorComeWithHowFarTheyCover() {
    RowFeed feed = new RowFeed();
    assertThat(feed.take(0, 100)).isNull();
    feed.add(0, 10, rows(3, 7));
    feed.add(10, 15, rows(12));
    RowFeed.Slice all = feed.take(0, 100);
    assertThat(seqs(all)).containsExactly(3L, 7L, 12L);
    assertThat(all.coveredUpTo()).isEqualTo(15);
    // From inside a range.
    RowFeed.Slice rest = feed.take(7, 100);
    assertThat(seqs(rest)).containsExactly(12L);
    assertThat(rest.coveredUpTo()).isEqualTo(15);
  }

  @Test
  void atMostLimitRowsAreGiven() {
    RowFeed feed = new RowFeed();
    feed.add(0, 10, rows(3, 7, 9));
    RowFeed.Slice two = feed.take(0, 2);
    assertThat(seqs(two)).containsExactly(3L, 7L);
    assertThat(two.coveredUpTo()).isEqualTo(8);
    assertThat(seqs(feed.take(7, 2))).containsExactly(9L);
  }

  @Test
  void rangesWithoutRowsOfThePartitionStillCoverTheirSeqs() {
    RowFeed feed = new RowFeed();
    feed.add(0, 10, rows());
    feed.add(10, 20, rows());
    RowFeed.Slice empty = feed.take(0, 100);
    assertThat(empty.rows()).isEmpty();
    assertThat(empty.coveredUpTo()).isEqualTo(20);
    feed.add(20, 30, rows(25));
    assertThat(seqs(feed.take(20, 100))).containsExactly(25L);
  }

  @Test
  void rangesHandedOverOutOfOrderAreGivenOnlyUpToTheFirstGap() {
    RowFeed feed = new RowFeed();
    // Logged rows come first; the runtime's rows between them once committed.
    feed.add(0, 10, rows(4));
    feed.add(11, 20, rows(15));
    RowFeed.Slice before = feed.take(0, 100);
    assertThat(seqs(before)).containsExactly(4L);
    assertThat(before.coveredUpTo()).isEqualTo(10);
    // Seq 11 is not handed over yet: the writer waits there, neither skips it nor reads the store.
    RowFeed.Slice atGap = feed.take(10, 100);
    assertThat(atGap).isNull();
    feed.add(10, 11, rows(11));
    RowFeed.Slice after = feed.take(10, 100);
    assertThat(seqs(after)).containsExactly(11L, 15L);
    assertThat(after.coveredUpTo()).isEqualTo(20);
    // Seqs given up are handed over empty and fill a gap the same way.
    feed.add(25, 30, rows(27));
    feed.add(20, 25, rows());
    assertThat(seqs(feed.take(20, 100))).containsExactly(27L);
  }

  @Test
  void aCursorBeforeWhatIsHeldSendsTheWriterToTheStore() {
    RowFeed feed = new RowFeed();
    feed.add(5, 10, rows(6));
    // Seqs 1 to 5 were committed before the feed got anything (a start).
    assertThat(feed.take(0, 100)).isNull();
    assertThat(seqs(feed.take(5, 100))).containsExactly(6L);
    // A range handed over twice (never done by the log) is taken once.
    feed.add(5, 10, rows(6));
    assertThat(feed.held()).isEqualTo(1);
  }

  @Test
  void whatIsHeldIsBoundedAndAppliedRangesAreLetGo() {
    RowFeed feed = new RowFeed();
    long seq = 0;
    int perRange = 1_000;
    for (int i = 0; i < RowFeed.MAX_ROWS / perRange + 5; i++) {
      List<LogEntry> share = new ArrayList<>();
      for (int j = 0; j < perRange; j++) {
        share.add(row(seq + 1 + j));
      }
      feed.add(seq, seq + perRange, share);
      seq += perRange;
    }
    assertThat(feed.held()).isLessThanOrEqualTo(RowFeed.MAX_ROWS);
    // The oldest ranges went: a writer that far behind reads the store.
    assertThat(feed.take(0, 100)).isNull();
    long oldestHeld = seq - feed.held();
    assertThat(seqs(feed.take(oldestHeld, 1))).containsExactly(oldestHeld + 1);
    feed.take(seq - perRange, 100);
    assertThat(feed.held()).isEqualTo(perRange);
    feed.take(seq, 100);
    assertThat(feed.held()).isZero();
  }
}
