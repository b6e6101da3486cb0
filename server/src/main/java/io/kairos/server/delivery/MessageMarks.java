package io.kairos.server.delivery;

import io.kairos.server.store.SqlWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * What became of a message after the engine decided it, kept on its {@code outbox} row for the
 * journey stats (docs/api.md "Journey stats", migration V8). A mark is written by the transaction
 * that logs the event reporting it ({@link io.kairos.server.ingest.EventLog#append(List, SqlWork)}
 * takes it as its {@code alongside} work), so a crash never leaves the stats and the timeline
 * disagreeing. One UPDATE by primary key per event; a time is set the first time only, so a repeat
 * (a second open, a provider's retried callback) changes nothing. The dispatcher's own marks
 * (delivered, bounced, failed) ride on its settlement's UPDATE instead ({@link OutboxStore}).
 */
public final class MessageMarks {
  /** A fact about a message, and the column that keeps it. */
  public enum Mark {
    DELIVERED("delivered_at"),
    BOUNCED("bounced_at"),
    FAILED("failed_at"),
    OPENED("first_open_at"),
    /** Counted rather than timed: every machine open adds one. */
    MACHINE_OPENED("machine_opens"),
    CLICKED("first_click_at"),
    UNSUBSCRIBED("unsubscribed_at"),
    READ("read_at");

    private final String column;

    Mark(String column) {
      this.column = column;
    }

    /** The outbox column. */
    String column() {
      return column;
    }
  }

  /** One mark: message {@code messageId} of {@code workspace} had {@code mark} at {@code at}. */
  public record Entry(String workspace, String messageId, Mark mark, long at) {}

  private MessageMarks() {}

  /** The marks as work for {@code EventLog.append(entries, alongside)}. */
  public static SqlWork<Void> work(List<Entry> marks) {
    return c -> {
      apply(c, marks);
      return null;
    };
  }

  /**
   * Writes the marks on connection {@code c}, inside the caller's transaction. A message whose row
   * is gone (its profile erased) or that has no row (a preview's links never reach here) is left
   * alone: nothing to count.
   */
  public static void apply(Connection c, List<Entry> marks) throws SQLException {
    for (Entry m : marks) {
      String col = m.mark().column();
      // "IS NULL" in the filter rather than COALESCE in the SET: a repeat matches no row, and
      // PostgreSQL writes no new row version for it.
      String sql =
          m.mark() == Mark.MACHINE_OPENED
              ? "UPDATE outbox SET machine_opens = machine_opens + 1"
                  + " WHERE workspace = ? AND message_id = ?"
              : "UPDATE outbox SET "
                  + col
                  + " = ? WHERE workspace = ? AND message_id = ? AND "
                  + col
                  + " IS NULL";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (m.mark() != Mark.MACHINE_OPENED) {
          ps.setLong(i++, m.at());
        }
        ps.setString(i++, m.workspace());
        ps.setString(i, m.messageId());
        ps.executeUpdate();
      }
    }
  }
}
