package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.server.store.Database;
import io.kairos.server.store.SqlWork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The dispatcher's statements on the {@code outbox} table (see V6 for the statuses). */
final class OutboxStore {
  static final String PENDING = "pending";
  static final String SENDING = "sending";
  static final String SENT = "sent";
  static final String SKIPPED = "skipped";
  static final String FAILED = "failed";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;

  OutboxStore(Database db) {
    this.db = db;
  }

  /**
   * At start: rows left {@code sending} by a crash had an attempt whose result nobody knows. They
   * go back to {@code pending}, due at once, and are retried with the same id.
   *
   * @return how many there were
   */
  int recover(long now) {
    return db.transaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE outbox SET status = ?, due = ?, updated_at = ?, outcome = ?"
                      + " WHERE status = ?")) {
            ps.setString(1, PENDING);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setString(4, "ambiguous: an attempt was in flight when the server stopped");
            ps.setString(5, SENDING);
            return ps.executeUpdate();
          }
        });
  }

  /** The columns {@link #row} reads, in its order. */
  private static final String COLUMNS =
      "workspace, message_id, profile, journey, step, channel, template, category, topic,"
          + " created_at, due, attempts, expires_at, payload";

  /** Pending rows of {@code channel} due by {@code now}, soonest first. */
  List<OutboxMessage> due(String channel, long now, int limit) {
    return db.read(
        c -> {
          List<OutboxMessage> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM outbox WHERE status = ? AND channel = ? AND due <= ?"
                      + " ORDER BY due LIMIT ?")) {
            ps.setString(1, PENDING);
            ps.setString(2, channel);
            ps.setLong(3, now);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(row(rs));
              }
            }
          }
          return out;
        });
  }

  /** Message {@code messageId} of {@code workspace}, whatever its status, or null. */
  static OutboxMessage find(Database db, String workspace, String messageId) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM outbox WHERE workspace = ? AND message_id = ?")) {
            ps.setString(1, workspace);
            ps.setString(2, messageId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? row(rs) : null;
            }
          }
        });
  }

  private static OutboxMessage row(ResultSet rs) throws java.sql.SQLException {
    long expiresAt = rs.getLong(13);
    // wasNull speaks of the last column read: ask it now, not after the others.
    Long expires = rs.wasNull() ? null : expiresAt;
    return new OutboxMessage(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        rs.getLong(10),
        rs.getLong(11),
        rs.getInt(12),
        expires,
        parse(rs.getString(14)));
  }

  /**
   * Marks rows {@code sending} and counts the attempt, before it is made: a crash from here on
   * leaves the row saying an attempt may have happened. {@code claimed[i]} tells whether row i was
   * still pending (an erasure may have deleted it, or it may have been settled meanwhile).
   */
  static SqlWork<Void> claim(List<OutboxMessage> rows, long now, boolean[] claimed) {
    return c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE outbox SET status = ?, attempts = attempts + 1, updated_at = ?"
                  + " WHERE workspace = ? AND message_id = ? AND status = ?")) {
        for (OutboxMessage m : rows) {
          ps.setString(1, SENDING);
          ps.setLong(2, now);
          ps.setString(3, m.workspace());
          ps.setString(4, m.messageId());
          ps.setString(5, PENDING);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          // Both drivers report each statement's count (DeliveryTest runs on both): 0 means the
          // row was no longer pending, and it is not sent.
          claimed[i] = counts[i] > 0;
        }
      }
      return null;
    };
  }

  /**
   * Records how attempts ended; only rows still {@code sending} change. The settlement's marks for
   * the journey stats ({@link MessageMarks}) are set in the same statement, the first time only: no
   * extra write on the dispatcher's path.
   */
  static SqlWork<Void> settle(List<Settlement> settled, long now) {
    return c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE outbox SET status = ?, due = ?, outcome = ?, provider_id = ?, updated_at = ?,"
                  + " delivered_at = COALESCE(delivered_at, ?),"
                  + " bounced_at = COALESCE(bounced_at, ?), failed_at = COALESCE(failed_at, ?),"
                  + " unsubscribed_at = COALESCE(unsubscribed_at, ?)"
                  + " WHERE workspace = ? AND message_id = ? AND status = ?")) {
        for (Settlement s : settled) {
          ps.setString(1, s.status());
          ps.setLong(2, s.due());
          ps.setString(3, clip(s.outcome()));
          ps.setString(4, s.providerId());
          ps.setLong(5, now);
          mark(ps, 6, s, MessageMarks.Mark.DELIVERED, now);
          mark(ps, 7, s, MessageMarks.Mark.BOUNCED, now);
          mark(ps, 8, s, MessageMarks.Mark.FAILED, now);
          mark(ps, 9, s, MessageMarks.Mark.UNSUBSCRIBED, now);
          ps.setString(10, s.workspace());
          ps.setString(11, s.messageId());
          ps.setString(12, SENDING);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    };
  }

  private static void mark(
      PreparedStatement ps, int i, Settlement s, MessageMarks.Mark mark, long now)
      throws SQLException {
    if (s.marks().contains(mark)) {
      ps.setLong(i, now);
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("outbox payload is not JSON", e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("outbox payload is not JSON", e);
    }
  }
}
