package io.kairos.server.profiles;

import io.kairos.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads of committed {@code profiles} rows (written by the partition writers, state and search
 * columns in the same transaction as the timeline): one profile by id, and searches by identity and
 * trait. Each answer comes from one statement, so it is one committed state of the store.
 */
final class ProfileStore {
  /** A stored profile: its search columns and the engine state (decoded by the runtime). */
  record Row(
      String id, String userId, String traits, byte[] state, long updatedAt, String mergedInto) {}

  /** A profile in a search result. */
  record Found(String id, String userId, String traits, long updatedAt) {}

  /**
   * What to search for; every given filter must hold.
   *
   * @param traits trait name (validated) to the text its value must have
   */
  record Filters(String userId, String anonymousId, String email, Map<String, String> traits) {
    Filters {
      traits = traits == null ? Map.of() : new LinkedHashMap<>(traits);
    }
  }

  private final Database db;
  private final Dialect dialect;

  ProfileStore(Database db) {
    this.db = db;
    this.dialect = new Dialect(db.kind());
  }

  /** The profile {@code id} of {@code workspace}, or null. */
  Row get(String workspace, String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, user_id, traits, state, updated_at, merged_into FROM profiles"
                      + " WHERE workspace = ? AND id = ?")) {
            ps.setString(1, workspace);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return null;
              }
              return new Row(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getBytes(4),
                  rs.getLong(5),
                  rs.getString(6));
            }
          }
        });
  }

  /**
   * Whether anything is stored under profile id {@code id}: a state, or the error row of an input
   * set apart (a profile whose first input failed has no state, only that row). A profile exists
   * once the runtime has applied its first event, as its timeline shows its events then.
   */
  boolean exists(String workspace, String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM profiles WHERE workspace = ? AND id = ?"
                      // timeline_errors, a partial index: the timeline has none by profile.
                      + " UNION ALL SELECT 1 FROM timeline WHERE workspace = ? AND profile = ?"
                      + " AND kind = 'error' LIMIT 1")) {
            for (int i = 0; i < 2; i++) {
              ps.setString(2 * i + 1, workspace);
              ps.setString(2 * i + 2, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /**
   * Profiles of {@code workspace} matching {@code f}, by id, after {@code afterId} (null: from the
   * start), at most {@code limit}. Profiles merged into another are left out.
   */
  List<Found> search(String workspace, Filters f, String afterId, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT p.id, p.user_id, p.traits, p.updated_at FROM profiles p"
                + " WHERE p.workspace = ? AND p.merged_into IS NULL");
    List<Object> args = new ArrayList<>();
    args.add(workspace);
    if (f.userId() != null) {
      sql.append(" AND p.user_id = ?");
      args.add(f.userId());
    }
    if (f.anonymousId() != null) {
      // Through identities (written by ingestion: the profile each anonymous id leads to), or the
      // visitor's own profile while it has not been identified. Written as one IN list, so that
      // both stores look the candidates up by key instead of scanning the workspace.
      sql.append(
          " AND p.id IN (SELECT i.profile FROM identities i WHERE i.workspace = ?"
              + " AND i.kind = 'anonymous' AND i.value = ? UNION ALL SELECT CAST(? AS TEXT))"
              + " AND (p.id <> ? OR p.user_id IS NULL)");
      args.add(workspace);
      args.add(f.anonymousId());
      args.add(f.anonymousId());
      args.add(f.anonymousId());
    }
    if (f.email() != null) {
      Dialect.Expr e = dialect.jsonText("p.traits", "email");
      sql.append(" AND LOWER(").append(e.sql()).append(") = LOWER(?)");
      args.addAll(e.args());
      args.add(f.email());
    }
    for (Map.Entry<String, String> t : f.traits().entrySet()) {
      Dialect.Expr e = dialect.jsonText("p.traits", t.getKey());
      sql.append(" AND ").append(e.sql()).append(" = ?");
      args.addAll(e.args());
      args.add(t.getValue());
    }
    if (afterId != null) {
      sql.append(" AND p.id > ?");
      args.add(afterId);
    }
    sql.append(" ORDER BY ").append(dialect.byId("p.id", f.userId() != null)).append(" LIMIT ?");
    args.add(limit);
    return db.read(
        c -> {
          List<Found> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Found(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
              }
            }
          }
          return out;
        });
  }
}
