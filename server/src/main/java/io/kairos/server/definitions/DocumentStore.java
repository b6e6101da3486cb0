package io.kairos.server.definitions;

import io.kairos.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the definitions store (tables of migration V4): document versions, heads and the
 * change log. Reads run on their own; writes take the caller's connection, so one change is one
 * transaction.
 */
final class DocumentStore {

  /** Another change of the workspace committed since the state a change was validated against. */
  static final class ConcurrentChange extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConcurrentChange() {
      super("the workspace's definitions changed meanwhile", null, false, false);
    }
  }

  /** A new document comes last in its kind (two concurrent creations may tie: then by id). */
  private static final String NEXT_POSITION =
      "(SELECT COALESCE(MAX(p.position), 0) + 1 FROM definitions p"
          + " WHERE p.workspace = ? AND p.kind = ?)";

  private final Database db;

  DocumentStore(Database db) {
    this.db = db;
  }

  /**
   * The live documents and the change they are at. The sequence is read first: the documents are at
   * least that new, and a change validated against them commits only if nothing came after.
   */
  Snapshot snapshot(String ws) {
    return db.read(
        c -> {
          long seq = seq(c, ws);
          List<Document> docs = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT d.kind, d.id, d.live, v.content FROM definitions d"
                      + " JOIN definition_versions v ON v.workspace = d.workspace"
                      + " AND v.kind = d.kind AND v.id = d.id AND v.version = d.live"
                      + " WHERE d.workspace = ? AND d.status = 'published'"
                      + " ORDER BY d.kind, d.position, d.id")) {
            ps.setString(1, ws);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                docs.add(
                    new Document(
                        Kind.of(rs.getString(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4)));
              }
            }
          }
          return new Snapshot(seq, docs);
        });
  }

  Optional<Head> head(String ws, Kind kind, String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT kind, id, status, latest, live, created_at, updated_at FROM definitions"
                      + " WHERE workspace = ? AND kind = ? AND id = ?")) {
            ps.setString(1, ws);
            ps.setString(2, kind.label());
            ps.setString(3, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(head(rs)) : Optional.<Head>empty();
            }
          }
        });
  }

  /** Whether the document exists (in any status), read in the caller's transaction. */
  boolean exists(Connection c, String ws, Kind kind, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM definitions WHERE workspace = ? AND kind = ? AND id = ?")) {
      ps.setString(1, ws);
      ps.setString(2, kind.label());
      ps.setString(3, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Every document of a kind, deleted ones too, by id. */
  List<Head> heads(String ws, Kind kind) {
    return db.read(
        c -> {
          List<Head> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT kind, id, status, latest, live, created_at, updated_at FROM definitions"
                      + " WHERE workspace = ? AND kind = ? ORDER BY id")) {
            ps.setString(1, ws);
            ps.setString(2, kind.label());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(head(rs));
              }
            }
          }
          return out;
        });
  }

  private static Head head(ResultSet rs) throws SQLException {
    return new Head(
        Kind.of(rs.getString(1)),
        rs.getString(2),
        Status.parse(rs.getString(3)),
        rs.getString(4),
        rs.getString(5),
        rs.getLong(6),
        rs.getLong(7));
  }

  /** The text of one version, or null when the store never had it. */
  String content(String ws, Kind kind, String id, String version) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT content FROM definition_versions"
                      + " WHERE workspace = ? AND kind = ? AND id = ? AND version = ?")) {
            ps.setString(1, ws);
            ps.setString(2, kind.label());
            ps.setString(3, id);
            ps.setString(4, version);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }

  /** Every saved version of a document, newest first. */
  List<VersionInfo> versions(String ws, Kind kind, String id) {
    return db.read(
        c -> {
          List<VersionInfo> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT v.version, v.created_at, v.created_by,"
                      + " (SELECT MAX(ch.at) FROM definition_changes ch"
                      + "  WHERE ch.workspace = v.workspace AND ch.kind = v.kind AND ch.id = v.id"
                      + "  AND ch.version = v.version)"
                      + " FROM definition_versions v"
                      + " WHERE v.workspace = ? AND v.kind = ? AND v.id = ?"
                      + " ORDER BY v.created_at DESC, v.version")) {
            ps.setString(1, ws);
            ps.setString(2, kind.label());
            ps.setString(3, id);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                // wasNull() answers for the column read last, so ask right after column 4.
                long published = rs.getLong(4);
                Long publishedAt = rs.wasNull() ? null : published;
                out.add(
                    new VersionInfo(rs.getString(1), rs.getLong(2), rs.getString(3), publishedAt));
              }
            }
          }
          return out;
        });
  }

  /** The last change that made this version live, or null when it never was. */
  Long lastLiveSeq(String ws, Kind kind, String id, String version) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT MAX(seq) FROM definition_changes"
                      + " WHERE workspace = ? AND kind = ? AND id = ? AND version = ?")) {
            ps.setString(1, ws);
            ps.setString(2, kind.label());
            ps.setString(3, id);
            ps.setString(4, version);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              long seq = rs.getLong(1);
              return rs.wasNull() ? null : seq;
            }
          }
        });
  }

  /**
   * The shared definitions (segments, settings, catalogue) that were live right after change {@code
   * seq}, replayed from the change log.
   */
  List<Document> sharedAt(String ws, long seq) {
    return db.read(
        c -> {
          List<Document> docs = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT ch.kind, ch.id, ch.version, v.content FROM definition_changes ch"
                      + " JOIN definition_versions v ON v.workspace = ch.workspace"
                      + " AND v.kind = ch.kind AND v.id = ch.id AND v.version = ch.version"
                      + " WHERE ch.workspace = ? AND ch.kind NOT IN ('journey', 'template')"
                      + " AND ch.seq = (SELECT MAX(d.seq) FROM definition_changes d"
                      + "  WHERE d.workspace = ch.workspace AND d.kind = ch.kind"
                      + "  AND d.id = ch.id AND d.seq <= ?)"
                      + " ORDER BY ch.kind, ch.id")) {
            ps.setString(1, ws);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                docs.add(
                    new Document(
                        Kind.of(rs.getString(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4)));
              }
            }
          }
          return docs;
        });
  }

  private static long seq(Connection c, String ws) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COALESCE(MAX(seq), 0) FROM definition_changes WHERE workspace = ?")) {
      ps.setString(1, ws);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Fails with {@link ConcurrentChange} unless the workspace's last change is still {@code
   * expected}. On SQLite the write transaction holds the file lock, so the answer stays true until
   * commit; on PostgreSQL a concurrent change that passes the same check is refused by the change
   * log's primary key.
   */
  void requireSeq(Connection c, String ws, long expected) throws SQLException {
    if (seq(c, ws) != expected) {
      throw new ConcurrentChange();
    }
  }

  /** Keeps a version (a no-op when the same content was saved before). */
  void saveVersion(Connection c, String ws, Document d, long at, String actor) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO definition_versions"
                + "(workspace, kind, id, version, content, created_at, created_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (workspace, kind, id, version) DO NOTHING")) {
      ps.setString(1, ws);
      ps.setString(2, d.kind().label());
      ps.setString(3, d.id());
      ps.setString(4, d.version());
      ps.setString(5, d.content());
      ps.setLong(6, at);
      ps.setString(7, actor);
      ps.executeUpdate();
    }
  }

  /**
   * Makes {@code version} a journey's latest draft, creating the journey as a draft when new; its
   * status and live version stay as they are (a concurrent publish is not undone).
   *
   * @param upsert false to insert only: a journey of that id that exists (one created by a
   *     concurrent request) fails the statement on the primary key
   */
  void saveDraft(
      Connection c, String ws, Kind kind, String id, String version, long at, boolean upsert)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO definitions"
                + "(workspace, kind, id, status, latest, live, created_at, updated_at, position)"
                + " VALUES (?, ?, ?, 'draft', ?, NULL, ?, ?, "
                + NEXT_POSITION
                + ")"
                + (upsert
                    ? " ON CONFLICT (workspace, kind, id) DO UPDATE"
                        + " SET latest = excluded.latest, updated_at = excluded.updated_at"
                    : ""))) {
      ps.setString(1, ws);
      ps.setString(2, kind.label());
      ps.setString(3, id);
      ps.setString(4, version);
      ps.setLong(5, at);
      ps.setLong(6, at);
      ps.setString(7, ws);
      ps.setString(8, kind.label());
      ps.executeUpdate();
    }
  }

  /**
   * Makes {@code version} both the latest and the live version of a document published on save
   * (segments, templates, settings); one deleted before is created anew.
   */
  void savePublished(Connection c, String ws, Kind kind, String id, String version, long at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO definitions"
                + "(workspace, kind, id, status, latest, live, created_at, updated_at, position)"
                + " VALUES (?, ?, ?, 'published', ?, ?, ?, ?, "
                + NEXT_POSITION
                + ")"
                + " ON CONFLICT (workspace, kind, id) DO UPDATE"
                + " SET status = 'published', latest = excluded.latest, live = excluded.live,"
                + " updated_at = excluded.updated_at,"
                + " created_at = CASE WHEN definitions.status = 'deleted'"
                + " THEN excluded.created_at ELSE definitions.created_at END")) {
      ps.setString(1, ws);
      ps.setString(2, kind.label());
      ps.setString(3, id);
      ps.setString(4, version);
      ps.setString(5, version);
      ps.setLong(6, at);
      ps.setLong(7, at);
      ps.setString(8, ws);
      ps.setString(9, kind.label());
      ps.executeUpdate();
    }
  }

  /** Sets a document's status and, when {@code live} is not null, its live version. */
  void setStatus(Connection c, String ws, Kind kind, String id, Status status, String live, long at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE definitions SET status = ?, live = COALESCE(?, live), updated_at = ?"
                + " WHERE workspace = ? AND kind = ? AND id = ?")) {
      ps.setString(1, status.label());
      ps.setString(2, live);
      ps.setLong(3, at);
      ps.setString(4, ws);
      ps.setString(5, kind.label());
      ps.setString(6, id);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("no " + kind.sourceName(id) + " in workspace " + ws);
      }
    }
  }

  /**
   * Appends to the change log.
   *
   * @param version the version that became live, or null when the document left the live set
   */
  void appendChange(
      Connection c,
      String ws,
      long seq,
      Kind kind,
      String id,
      String version,
      String action,
      long at,
      String actor)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO definition_changes(workspace, seq, kind, id, version, action, at, actor)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, ws);
      ps.setLong(2, seq);
      ps.setString(3, kind.label());
      ps.setString(4, id);
      ps.setString(5, version);
      ps.setString(6, action);
      ps.setLong(7, at);
      ps.setString(8, actor);
      ps.executeUpdate();
    }
  }

  /** Whether a failure is a unique-key violation (two changes took the same sequence number). */
  static boolean isUniqueViolation(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
