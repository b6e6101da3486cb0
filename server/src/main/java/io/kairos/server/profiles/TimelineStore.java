package io.kairos.server.profiles;

import io.kairos.server.store.Database;
import io.kairos.server.store.TimelineChain;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A profile's history as one stream, read in one statement: its customer events (the messages it
 * sent and API triggers, from {@code events}, found through the {@code timeline} rows that name
 * them in {@code input_seq}: the decisions an event caused, or the {@code event} row the runtime
 * writes for one that caused none; the runtime's merge markers and erase requests are bookkeeping
 * and left out) and what the runtime decided ({@code timeline}), newest first.
 *
 * <p>The order is the order things happened in, as a key {@code (time, seq, source, id)}: an event
 * at its timestamp, right before the decisions it caused ({@code timeline.input_seq}); decisions of
 * a timer at their time before any event of that time (a timer due at T fires before an event
 * stamped T). Pages continue strictly below the last key shown.
 */
final class TimelineStore {
  /** Where a page starts: strictly older than this key. */
  record Key(long time, long seq, int source, long id) {
    /** Everything before {@code time}. */
    static Key before(long time) {
      return new Key(time, Long.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE);
    }
  }

  /**
   * One item: an event ({@code source} 0: type, name, receivedAt, body) or a timeline row (1: kind,
   * journey, version, step, revenue, detail).
   */
  record Item(
      Key key,
      String type,
      String name,
      long receivedAt,
      String messageId,
      byte[] body,
      String kind,
      String journey,
      String version,
      String step,
      Double revenue,
      String detail) {
    boolean isEvent() {
      return key.source() == 0;
    }
  }

  private final Database db;

  TimelineStore(Database db) {
    this.db = db;
  }

  /**
   * Items of the profiles {@code ids} (a profile and the anonymous ids it absorbed) of {@code
   * workspace}, newest first, older than {@code before} (null: from the newest), at most {@code
   * limit}.
   */
  List<Item> page(String workspace, Collection<String> ids, Key before, int limit) {
    String after =
        before == null
            ? ""
            : " WHERE x.t < ? OR (x.t = ? AND (x.s < ? OR (x.s = ? AND (x.src < ?"
                + " OR (x.src = ? AND x.i < ?)))))";
    // The profiles' timeline rows, found by following them from the profiles' heads.
    String sql =
        TimelineChain.with(TimelineChain.startOfProfiles(ids.size()))
            + "SELECT x.t, x.s, x.src, x.i, x.type, x.name, x.received_at, x.message_id, x.body,"
            + " x.kind, x.journey, x.version, x.step, x.revenue, x.detail FROM ("
            + "SELECT e.timestamp AS t, e.seq AS s, 0 AS src, e.seq AS i, e.type AS type,"
            + " e.name AS name, e.received_at AS received_at, e.message_id AS message_id,"
            + " e.body AS body, CAST(NULL AS TEXT) AS kind, CAST(NULL AS TEXT) AS journey,"
            + " CAST(NULL AS TEXT) AS version, CAST(NULL AS TEXT) AS step,"
            + " CAST(NULL AS DOUBLE PRECISION) AS revenue, CAST(NULL AS TEXT) AS detail"
            + " FROM events e WHERE e.seq IN (SELECT a.input_seq FROM timeline a"
            + " WHERE a.id IN (SELECT id FROM chain) AND a.input_seq IS NOT NULL)"
            + " AND e.type NOT IN ('merge_out', 'erase')"
            + " UNION ALL "
            + "SELECT l.at, COALESCE(l.input_seq, 0), 1, l.id, NULL, NULL, NULL, l.message_id,"
            + " NULL, l.kind, l.journey, l.version, l.step, l.revenue, l.detail"
            + " FROM timeline l WHERE l.id IN (SELECT id FROM chain) AND l.kind <> 'event') x"
            + after
            + " ORDER BY x.t DESC, x.s DESC, x.src DESC, x.i DESC LIMIT ?";
    List<Object> args = new ArrayList<>();
    args.add(workspace);
    args.addAll(ids);
    args.add(workspace);
    args.addAll(ids);
    if (before != null) {
      args.add(before.time());
      args.add(before.time());
      args.add(before.seq());
      args.add(before.seq());
      args.add((long) before.source());
      args.add((long) before.source());
      args.add(before.id());
    }
    args.add(limit);
    return db.read(
        c -> {
          List<Item> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                double revenue = rs.getDouble(14);
                Double rev = rs.wasNull() ? null : revenue;
                out.add(
                    new Item(
                        new Key(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4)),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getString(8),
                        rs.getBytes(9),
                        rs.getString(10),
                        rs.getString(11),
                        rs.getString(12),
                        rs.getString(13),
                        rev,
                        rs.getString(15)));
              }
            }
          }
          return out;
        });
  }
}
