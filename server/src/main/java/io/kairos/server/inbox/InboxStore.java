package io.kairos.server.inbox;

import io.kairos.server.store.Database;
import io.kairos.server.store.Placeholders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code inbox} table: rows the inbox channel inserts (once per message id), the lists and
 * counts the API reads, and the changes a stream resumes from. Every read is one statement.
 */
final class InboxStore {
  private static final String COLUMNS =
      "message_id, profile, journey, template, category, topic, title, body, url, image_url,"
          + " data, created_at, read_at, archived_at, seq, first_seq";

  /** Whose inbox: the profile and the anonymous ids that lead to it (their rows are its own). */
  record Owner(String workspace, String profile, List<String> ids) {}

  /** A page position: the list is newest first, in the order messages arrived. */
  record Position(long firstSeq) {}

  private final Database db;

  InboxStore(Database db) {
    this.db = db;
  }

  /**
   * Inserts a delivered message unless its id is there already.
   *
   * @return whether it was inserted (false: an earlier attempt of the same message did)
   */
  boolean insert(InboxMessage m) {
    return db.transaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO inbox ("
                      + COLUMNS
                      + ", workspace) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (workspace, message_id) DO NOTHING")) {
            ps.setString(1, m.messageId());
            ps.setString(2, m.profile());
            ps.setString(3, m.journey());
            ps.setString(4, m.template());
            ps.setString(5, m.category());
            ps.setString(6, m.topic());
            ps.setString(7, m.title());
            ps.setString(8, m.body());
            ps.setString(9, m.url());
            ps.setString(10, m.imageUrl());
            ps.setString(11, m.data());
            ps.setLong(12, m.createdAt());
            nullable(ps, 13, m.readAt());
            nullable(ps, 14, m.archivedAt());
            ps.setLong(15, m.seq());
            ps.setLong(16, m.firstSeq());
            ps.setString(17, m.workspace());
            return ps.executeUpdate() == 1;
          }
        });
  }

  /**
   * The owner of an identity's inbox: an anonymous id that was identified leads to the profile it
   * was merged into; a userId is its profile's id.
   *
   * @param anonymous whether {@code identity} may be an anonymous id
   */
  Owner owner(String workspace, String identity, boolean anonymous) {
    return db.read(
        c -> {
          String profile = identity;
          if (anonymous) {
            profile = anonymousTarget(c, workspace, identity);
          }
          Set<String> ids = new LinkedHashSet<>();
          ids.add(profile);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT value FROM identities WHERE workspace = ? AND profile = ?"
                      + " AND kind = 'anonymous'")) {
            ps.setString(1, workspace);
            ps.setString(2, profile);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
          }
          return new Owner(workspace, profile, List.copyOf(ids));
        });
  }

  private static String anonymousTarget(Connection c, String workspace, String identity)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT profile FROM identities WHERE workspace = ? AND kind = 'anonymous'"
                + " AND value = ?")) {
      ps.setString(1, workspace);
      ps.setString(2, identity);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : identity;
      }
    }
  }

  /** Whether the owner is a stored profile or has inbox rows (an erased one has neither). */
  boolean exists(Owner o) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM profiles WHERE workspace = ? AND id = ? UNION ALL SELECT 1 FROM"
                      + " inbox WHERE workspace = ? AND profile = ? LIMIT 1")) {
            ps.setString(1, o.workspace());
            ps.setString(2, o.profile());
            ps.setString(3, o.workspace());
            ps.setString(4, o.profile());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /** The userId of a stored profile, or null (anonymous, or not stored). */
  String userId(String workspace, String profile) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT user_id FROM profiles WHERE workspace = ? AND id = ?")) {
            ps.setString(1, workspace);
            ps.setString(2, profile);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }

  /**
   * A page of the owner's messages, newest first, after {@code after} (null: from the newest).
   *
   * @param unread only unread ones
   * @param archived also archived ones
   */
  List<InboxMessage> page(Owner o, boolean unread, boolean archived, Position after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM inbox WHERE ");
    owned(sql, o);
    if (unread) {
      sql.append(" AND read_at IS NULL");
    }
    if (!archived) {
      sql.append(" AND archived_at IS NULL");
    }
    if (after != null) {
      sql.append(" AND first_seq < ?");
    }
    sql.append(" ORDER BY first_seq DESC LIMIT ?");
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bind(ps, o);
            if (after != null) {
              ps.setLong(i++, after.firstSeq());
            }
            ps.setInt(i, limit);
            return rows(ps, o.workspace());
          }
        });
  }

  /** Unread messages not archived: the badge. */
  int unreadCount(Owner o) {
    StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM inbox WHERE ");
    owned(sql, o);
    sql.append(" AND read_at IS NULL AND archived_at IS NULL");
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, o);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  /** The last change to the owner's messages (0 when there is none). */
  long lastSeq(Owner o) {
    StringBuilder sql = new StringBuilder("SELECT MAX(seq) FROM inbox WHERE ");
    owned(sql, o);
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, o);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /** The highest seq in the table (0 when empty). */
  long maxSeq() {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM inbox");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** Messages changed after {@code seq}, oldest change first, at most {@code limit}. */
  List<InboxMessage> changedAfter(Owner o, long seq, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM inbox WHERE ");
    owned(sql, o);
    sql.append(" AND seq > ? ORDER BY seq LIMIT ?");
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bind(ps, o);
            ps.setLong(i++, seq);
            ps.setInt(i, limit);
            return rows(ps, o.workspace());
          }
        });
  }

  /** One of the owner's messages, or null. */
  InboxMessage get(Owner o, String messageId) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM inbox WHERE ");
    owned(sql, o);
    sql.append(" AND message_id = ?");
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bind(ps, o);
            ps.setString(i, messageId);
            List<InboxMessage> rows = rows(ps, o.workspace());
            return rows.isEmpty() ? null : rows.get(0);
          }
        });
  }

  /** The owner's unread messages that are not archived, oldest first, at most {@code limit}. */
  List<InboxMessage> unread(Owner o, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM inbox WHERE ");
    owned(sql, o);
    sql.append(" AND read_at IS NULL AND archived_at IS NULL ORDER BY first_seq LIMIT ?");
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bind(ps, o);
            ps.setInt(i, limit);
            return rows(ps, o.workspace());
          }
        });
  }

  /**
   * Writes a message's new state (read, archived and seq), if it is still as {@code before} had it:
   * false when it changed or went meanwhile (an erasure).
   */
  static boolean update(Connection c, InboxMessage before, InboxMessage after) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE inbox SET read_at = ?, archived_at = ?, seq = ? WHERE workspace = ?"
                + " AND message_id = ? AND seq = ?")) {
      nullable(ps, 1, after.readAt());
      nullable(ps, 2, after.archivedAt());
      ps.setLong(3, after.seq());
      ps.setString(4, before.workspace());
      ps.setString(5, before.messageId());
      ps.setLong(6, before.seq());
      return ps.executeUpdate() == 1;
    }
  }

  private static void nullable(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  private static void owned(StringBuilder sql, Owner o) {
    sql.append("workspace = ? AND profile IN (")
        .append(Placeholders.of(o.ids().size()))
        .append(')');
  }

  private static int bind(PreparedStatement ps, Owner o) throws SQLException {
    int i = 1;
    ps.setString(i++, o.workspace());
    for (String id : o.ids()) {
      ps.setString(i++, id);
    }
    return i;
  }

  private static List<InboxMessage> rows(PreparedStatement ps, String workspace)
      throws SQLException {
    List<InboxMessage> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long read = rs.getLong(13);
        Long readAt = rs.wasNull() ? null : read;
        long archived = rs.getLong(14);
        Long archivedAt = rs.wasNull() ? null : archived;
        out.add(
            new InboxMessage(
                workspace,
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                rs.getString(11),
                rs.getLong(12),
                readAt,
                archivedAt,
                rs.getLong(15),
                rs.getLong(16)));
      }
    }
    return out;
  }
}
