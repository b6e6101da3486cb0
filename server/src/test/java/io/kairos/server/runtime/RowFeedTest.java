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
    assertThat(feed.take(0, 10, 100)).isNull();
    feed.add(0, 10, rows(3, 7));
    feed.add(10, 15, rows(12));
    RowFeed.Slice all = feed.take(0, 15, 100);
    assertThat(seqs(all)).containsExactly(3L, 7L, 12L);
    assertThat(all.coveredUpTo()).isEqualTo(15);
    // Only up to what the log has committed as far as the caller knows.
    RowFeed.Slice some = feed.take(0, 9, 100);
    assertThat(seqs(some)).containsExactly(3L, 7L);
    assertThat(some.coveredUpTo()).isEqualTo(9);
    // From inside a range.
    RowFeed.Slice rest = feed.take(7, 15, 100);
    assertThat(seqs(rest)).containsExactly(12L);
    assertThat(rest.coveredUpTo()).isEqualTo(15);
  }

  @Test
  void atMostLimitRowsAreGiven() {
    RowFeed feed = new RowFeed();
    feed.add(0, 10, rows(3, 7, 9));
    assertThat(seqs(feed.take(0, 10, 2))).containsExactly(3L, 7L);
    assertThat(seqs(feed.take(7, 10, 2))).containsExactly(9L);
  }

  @Test
  void rangesWithoutRowsOfThePartitionStillCoverTheirSeqs() {
    RowFeed feed = new RowFeed();
    feed.add(0, 10, rows());
    feed.add(10, 20, rows());
    feed.add(20, 30, rows(25));
    RowFeed.Slice empty = feed.take(0, 20, 100);
    assertThat(empty.rows()).isEmpty();
    assertThat(empty.coveredUpTo()).isEqualTo(20);
    assertThat(seqs(feed.take(20, 30, 100))).containsExactly(25L);
  }

  @Test
  void aCursorBeforeWhatIsHeldOrAGapSendsTheWriterToTheStore() {
    RowFeed feed = new RowFeed();
    feed.add(5, 10, rows(6));
    // Seqs 1 to 5 were committed before the feed got anything (a start).
    assertThat(feed.take(0, 10, 100)).isNull();
    assertThat(seqs(feed.take(5, 10, 100))).containsExactly(6L);
    // A commit whose rows were not handed over: what was held cannot join what comes.
    feed.add(20, 30, rows(21));
    assertThat(feed.take(5, 30, 100)).isNull();
    assertThat(feed.take(10, 30, 100)).isNull();
    assertThat(seqs(feed.take(20, 30, 100))).containsExactly(21L);
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
    assertThat(feed.take(0, seq, 100)).isNull();
    long oldestHeld = seq - feed.held();
    assertThat(seqs(feed.take(oldestHeld, seq, 1))).containsExactly(oldestHeld + 1);
    feed.take(seq - perRange, seq, 100);
    assertThat(feed.held()).isEqualTo(perRange);
    feed.take(seq, seq, 100);
    assertThat(feed.held()).isZero();
  }
}
