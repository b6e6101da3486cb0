package io.kairos.server.profiles;

import io.kairos.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Reads of a workspace's {@code audit_log}: newest first, paged by {@code (at, id)}. */
final class AuditStore {
  /** One audit record; {@code detail} is JSON text or null. */
  record Entry(long id, long at, String actor, String action, String subject, String detail) {}

  private final Database db;

  AuditStore(Database db) {
    this.db = db;
  }

  /**
   * Records of {@code workspace}, optionally of one action and subject, older than {@code (at, id)}
   * of the last one shown (null: from the newest), at most {@code limit}.
   */
  List<Entry> page(String workspace, String action, String subject, long[] before, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, actor, action, subject, detail FROM audit_log WHERE workspace = ?");
    List<Object> args = new ArrayList<>();
    args.add(workspace);
    if (action != null) {
      sql.append(" AND action = ?");
      args.add(action);
    }
    if (subject != null) {
      sql.append(" AND subject = ?");
      args.add(subject);
    }
    if (before != null) {
      sql.append(" AND (at < ? OR (at = ? AND id < ?))");
      args.add(before[0]);
      args.add(before[0]);
      args.add(before[1]);
    }
    sql.append(" ORDER BY at DESC, id DESC LIMIT ?");
    args.add(limit);
    return db.read(
        c -> {
          List<Entry> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Entry(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)));
              }
            }
          }
          return out;
        });
  }
}
