package io.kairos.server.runtime;

import io.kairos.engine.Timer;
import io.kairos.server.store.Database;
import io.kairos.server.store.Placeholders;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a partition writer reads from the store, each on a pooled connection of its own held only
 * for the query (a writer never holds a connection while it waits).
 */
final class PartitionReads {
  private final Database db;
  private final int partition;

  PartitionReads(Database db, int partition) {
    this.db = db;
    this.partition = partition;
  }

  /** Where the partition stands in the store: cursor, clock, the next timer id. */
  record Start(long cursor, long clock, long nextTimerId) {}

  /**
   * A committed profile row before decoding: its state bytes, merge mark and timeline head.
   *
   * @param timelineHead the id of its newest timeline row, 0 when it has none
   */
  record StoredProfile(byte[] state, String mergedInto, long timelineHead) {}

  /** Where the merge marker of a {@code merge_from} row is: its partition and seq. */
  record Marker(int partition, long seq) {}

  Start start() {
    return db.read(
        c -> {
          long cursor = 0;
          long clock = Long.MIN_VALUE;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT seq, clock FROM partition_cursors WHERE partition = ?")) {
            ps.setInt(1, partition);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                cursor = rs.getLong(1);
                clock = rs.getLong(2);
              }
            }
          }
          // The primary key's last entry: no scan, however many timers are stored.
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM timers WHERE partition = ?")) {
            ps.setInt(1, partition);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return new Start(cursor, clock, rs.getLong(1) + 1);
            }
          }
        });
  }

  /**
   * The partition's stored timers. A scan of an index over all of them (seconds for millions), so a
   * writer runs it off its start-up path.
   */
  long countTimers() {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM timers WHERE partition = ?")) {
            ps.setInt(1, partition);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /** The partition's log rows after {@code after} up to {@code high}, at most {@code limit}. */
  List<LogEntry> rows(long after, long high, int limit) {
    return db.read(
        c -> {
          List<LogEntry> rows = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, workspace, profile, type, name, timestamp, received_at,"
                      + " merge_from, body FROM events"
                      + " WHERE partition = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
            ps.setInt(1, partition);
            ps.setLong(2, after);
            ps.setLong(3, high);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new LogEntry(
                        rs.getLong(1),
                        partition,
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getString(8),
                        rs.getBytes(9)));
              }
            }
          }
          return rows;
        });
  }

  /** The merge marker written before {@code row} for its {@code merge_from} profile, or null. */
  Marker marker(LogEntry row) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  // The type as a literal, so the partial index events_merge_out serves it.
                  "SELECT partition, seq FROM events WHERE workspace = ? AND profile = ?"
                      + " AND type = '"
                      + InputRow.MERGE_OUT
                      + "' AND seq < ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, row.workspace());
            ps.setString(2, row.mergeFrom());
            ps.setLong(3, row.seq());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Marker(rs.getInt(1), rs.getLong(2)) : null;
            }
          }
        });
  }

  /** A stored timer's key. */
  record TimerKey(int partition, long id) {}

  /**
   * The stored timers that belong to any of {@code profiles}: the timers an erasure deletes (an
   * anonymous profile merged in may have left some in its own partition). There is no index by
   * profile (an index with a random key per timer would cost a page written per timer on SQLite;
   * erasures are rare), so this scans the timers — outside the write transaction, so ingestion and
   * the other writers go on meanwhile.
   */
  List<TimerKey> timersOf(String workspace, Collection<String> profiles) {
    return db.read(
        c -> {
          List<TimerKey> out = new ArrayList<>();
          String sql =
              "SELECT partition, id FROM timers WHERE workspace = ? AND profile IN ("
                  + Placeholders.of(profiles.size())
                  + ")";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, workspace);
            int i = 2;
            for (String p : profiles) {
              ps.setString(i++, p);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new TimerKey(rs.getInt(1), rs.getLong(2)));
              }
            }
          }
          return out;
        });
  }

  /** The partition's soonest stored timers, by due time and then the order they were set. */
  List<PendingTimer> soonestTimers(int limit) {
    return db.read(
        c -> {
          List<PendingTimer> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, workspace, due, profile, kind, key, instance, token"
                      + " FROM timers WHERE partition = ? ORDER BY due, id LIMIT ?")) {
            ps.setInt(1, partition);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(timer(rs));
              }
            }
          }
          return out;
        });
  }

  private static PendingTimer timer(ResultSet rs) throws SQLException {
    return new PendingTimer(
        rs.getLong(1),
        rs.getString(2),
        new Timer(
            rs.getString(4),
            rs.getLong(3),
            Timer.Kind.valueOf(rs.getString(5)),
            rs.getString(6),
            rs.getInt(7),
            rs.getInt(8)));
  }

  /** The stored profiles among {@code ids} of {@code workspace}, by id. */
  Map<String, StoredProfile> profiles(String workspace, Collection<String> ids) {
    String sql =
        "SELECT id, state, merged_into, timeline_head FROM profiles WHERE workspace = ?"
            + " AND id IN ("
            + Placeholders.of(ids.size())
            + ")";
    return db.read(
        c -> {
          Map<String, StoredProfile> out = new LinkedHashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, workspace);
            int i = 2;
            for (String id : ids) {
              ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(
                    rs.getString(1),
                    new StoredProfile(rs.getBytes(2), rs.getString(3), rs.getLong(4)));
              }
            }
          }
          return out;
        });
  }
}
