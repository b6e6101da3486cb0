package io.kairos.server.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kairos.engine.Timer;
import io.kairos.server.store.Database;
import io.kairos.server.store.Placeholders;
import io.kairos.server.store.TimelineChain;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Batch} inside the caller's transaction, in the SQL both stores share (upserts
 * with {@code ON CONFLICT}, batched statements). The order matters: profiles, then timers and rows,
 * then erasures (which remove what the batch wrote for the erased profile), then the cursor.
 */
final class BatchWriter {
  private BatchWriter() {}

  /**
   * What a batch wrote: timer rows inserted and deleted, and the newest timeline row of each
   * profile it wrote timeline rows for.
   */
  record Written(long inserted, long deleted, Map<ProfileKey, Long> heads) {}

  /**
   * @param committedHeads the newest committed timeline row of profiles the batch may write rows
   *     for (the ones it touched and the ones that left it); others are read from the store
   */
  static Written write(
      Connection c,
      Database.Kind kind,
      int partition,
      Batch b,
      List<ProfileRow> profiles,
      Map<ProfileKey, Long> committedHeads,
      long upTo,
      long clock,
      long now)
      throws SQLException {
    // The timeline first: the profile rows then take their new heads.
    Map<ProfileKey, Long> heads = insertTimeline(c, kind, b, committedHeads);
    upsertProfiles(c, partition, profiles, heads, now);
    moveHeads(c, b, profiles, heads);
    deleteProfiles(c, b);
    // A timer set and fired within the batch never needs a row.
    Set<Long> fired = new HashSet<>(b.firedTimers);
    long inserted = insertTimers(c, partition, b.newTimers, fired);
    Set<Long> born = new HashSet<>();
    for (PendingTimer t : b.newTimers) {
      born.add(t.id());
    }
    long deleted = deleteTimers(c, partition, b.firedTimers, born);
    insertOutbox(c, b.outbox);
    addCounts(c, partition, b.counts, 1);
    for (Erasure e : b.erasures) {
      ProfileKey key = new ProfileKey(e.workspace(), e.profile());
      long head = heads.getOrDefault(key, committedHeads.getOrDefault(key, 0L));
      deleted += erase(c, partition, e, head, now);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO partition_cursors (partition, seq, clock) VALUES (?, ?, ?)"
                + " ON CONFLICT (partition) DO UPDATE SET seq = excluded.seq,"
                + " clock = excluded.clock")) {
      ps.setInt(1, partition);
      ps.setLong(2, upTo);
      ps.setLong(3, clock);
      ps.executeUpdate();
    }
    return new Written(inserted, deleted, heads);
  }

  private static void upsertProfiles(
      Connection c, int partition, List<ProfileRow> rows, Map<ProfileKey, Long> heads, long now)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    // An UPDATE that sets user_id rewrites its index entry even when the value is the same (a
    // random-key page written per profile per batch): rows that keep their user id leave it out.
    List<ProfileRow> upserts = new ArrayList<>();
    List<ProfileRow> updates = new ArrayList<>();
    for (ProfileRow r : rows) {
      (r.sameUserId() ? updates : upserts).add(r);
    }
    if (!updates.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE profiles SET traits = ?, state = ?, updated_at = ?, merged_into = ?,"
                  + " timeline_head = ? WHERE workspace = ? AND id = ?")) {
        for (ProfileRow r : updates) {
          ps.setString(1, r.traits());
          ps.setBytes(2, r.state());
          ps.setLong(3, now);
          ps.setString(4, r.mergedInto());
          setIdOrNull(ps, 5, head(r, heads));
          ps.setString(6, r.workspace());
          ps.setString(7, r.id());
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] == 0) {
            upserts.add(updates.get(i)); // the row is not there after all: insert it
          }
        }
      }
    }
    if (upserts.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO profiles (workspace, id, partition, user_id, traits, state, updated_at,"
                + " merged_into, timeline_head) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (workspace, id) DO UPDATE SET partition = excluded.partition,"
                + " user_id = excluded.user_id, traits = excluded.traits,"
                + " state = excluded.state, updated_at = excluded.updated_at,"
                + " merged_into = excluded.merged_into, timeline_head = excluded.timeline_head")) {
      for (ProfileRow r : upserts) {
        ps.setString(1, r.workspace());
        ps.setString(2, r.id());
        ps.setInt(3, partition);
        ps.setString(4, r.userId());
        ps.setString(5, r.traits());
        ps.setBytes(6, r.state());
        ps.setLong(7, now);
        ps.setString(8, r.mergedInto());
        setIdOrNull(ps, 9, head(r, heads));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static long head(ProfileRow r, Map<ProfileKey, Long> heads) {
    Long moved = heads.get(new ProfileKey(r.workspace(), r.id()));
    return moved != null ? moved : r.timelineHead();
  }

  private static void setIdOrNull(PreparedStatement ps, int i, long id) throws SQLException {
    if (id > 0) {
      ps.setLong(i, id);
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  /**
   * Moves the head of profiles that got timeline rows but whose row the batch did not write (a
   * refusal that changed nothing, an input set apart). A profile without a row has only error rows,
   * which the partial index finds.
   */
  private static void moveHeads(
      Connection c, Batch b, List<ProfileRow> written, Map<ProfileKey, Long> heads)
      throws SQLException {
    Set<ProfileKey> skip = new HashSet<>(b.deleted);
    for (ProfileRow r : written) {
      skip.add(new ProfileKey(r.workspace(), r.id()));
    }
    for (Erasure e : b.erasures) {
      skip.add(new ProfileKey(e.workspace(), e.profile()));
    }
    List<Map.Entry<ProfileKey, Long>> moved = new ArrayList<>();
    for (Map.Entry<ProfileKey, Long> e : heads.entrySet()) {
      if (!skip.contains(e.getKey())) {
        moved.add(e);
      }
    }
    if (moved.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE profiles SET timeline_head = ? WHERE workspace = ? AND id = ?")) {
      for (Map.Entry<ProfileKey, Long> e : moved) {
        ps.setLong(1, e.getValue());
        ps.setString(2, e.getKey().workspace());
        ps.setString(3, e.getKey().id());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void deleteProfiles(Connection c, Batch b) throws SQLException {
    if (b.deleted.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM profiles WHERE workspace = ? AND id = ?")) {
      for (ProfileKey k : b.deleted) {
        ps.setString(1, k.workspace());
        ps.setString(2, k.id());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static long insertTimers(
      Connection c, int partition, List<PendingTimer> timers, Set<Long> fired) throws SQLException {
    long n = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO timers (partition, id, workspace, due, profile, kind, key, instance,"
                + " token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (PendingTimer pt : timers) {
        if (fired.contains(pt.id())) {
          continue;
        }
        Timer t = pt.timer();
        ps.setInt(1, partition);
        ps.setLong(2, pt.id());
        ps.setString(3, pt.workspace());
        ps.setLong(4, t.due());
        ps.setString(5, t.profile());
        ps.setString(6, t.kind().name());
        ps.setString(7, t.key());
        ps.setInt(8, t.instance());
        ps.setInt(9, t.token());
        ps.addBatch();
        n++;
      }
      if (n > 0) {
        ps.executeBatch();
      }
    }
    return n;
  }

  private static long deleteTimers(Connection c, int partition, List<Long> fired, Set<Long> born)
      throws SQLException {
    List<PartitionReads.TimerKey> keys = new ArrayList<>(fired.size());
    for (long id : fired) {
      if (!born.contains(id)) {
        keys.add(new PartitionReads.TimerKey(partition, id));
      }
    }
    return deleteTimers(c, keys);
  }

  /** Deletes timers by key; returns how many rows there were. */
  private static long deleteTimers(Connection c, List<PartitionReads.TimerKey> keys)
      throws SQLException {
    if (keys.isEmpty()) {
      return 0;
    }
    long n = 0;
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM timers WHERE partition = ? AND id = ?")) {
      for (PartitionReads.TimerKey k : keys) {
        ps.setInt(1, k.partition());
        ps.setLong(2, k.id());
        ps.addBatch();
      }
      for (int count : ps.executeBatch()) {
        n += Math.max(count, 0);
      }
    }
    return n;
  }

  private static void insertOutbox(Connection c, List<OutboxRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO outbox (workspace, message_id, profile, journey, step, channel,"
                + " template, category, topic, created_at, due, status, payload, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                // The id is the engine's: a replayed decision meets its own row and adds nothing.
                + " ON CONFLICT (workspace, message_id) DO NOTHING")) {
      for (OutboxRow r : rows) {
        ps.setString(1, r.workspace());
        ps.setString(2, r.messageId());
        ps.setString(3, r.profile());
        ps.setString(4, r.journey());
        ps.setString(5, r.step());
        ps.setString(6, r.channel());
        ps.setString(7, r.template());
        ps.setString(8, r.category());
        ps.setString(9, r.topic());
        ps.setLong(10, r.createdAt());
        ps.setLong(11, r.due());
        ps.setString(12, EffectRows.PENDING);
        ps.setString(13, r.payload());
        if (r.expiresAt() == null) {
          ps.setNull(14, Types.BIGINT);
        } else {
          ps.setLong(14, r.expiresAt());
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Inserts the batch's timeline rows, each linked to its profile's row before it; returns the
   * newest row of each profile it wrote rows for.
   */
  private static Map<ProfileKey, Long> insertTimeline(
      Connection c, Database.Kind kind, Batch b, Map<ProfileKey, Long> committedHeads)
      throws SQLException {
    Map<ProfileKey, Long> heads = new HashMap<>();
    List<TimelineRow> rows = b.timeline;
    if (rows.isEmpty()) {
      return heads;
    }
    long[] ids = timelineIds(c, kind, rows.size());
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO timeline (workspace, profile, at, kind, journey, version, step,"
                + " message_id, revenue, input_seq, detail, id, prev_id, branch_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < rows.size(); i++) {
        TimelineRow r = rows.get(i);
        ProfileKey key = new ProfileKey(r.workspace(), r.profile());
        long prev = newestRow(c, key, heads, committedHeads);
        ProfileKey from = b.branches.get(r);
        long branch = from == null ? 0 : newestRow(c, from, heads, committedHeads);
        heads.put(key, ids[i]);
        ps.setLong(12, ids[i]);
        setIdOrNull(ps, 13, prev);
        setIdOrNull(ps, 14, branch);
        ps.setString(1, r.workspace());
        ps.setString(2, r.profile());
        ps.setLong(3, r.at());
        ps.setString(4, r.kind());
        ps.setString(5, r.journey());
        ps.setString(6, r.version());
        ps.setString(7, r.step());
        ps.setString(8, r.messageId());
        if (r.revenue() == null) {
          ps.setNull(9, Types.DOUBLE);
        } else {
          ps.setDouble(9, r.revenue());
        }
        if (r.inputSeq() == null) {
          ps.setNull(10, Types.BIGINT);
        } else {
          ps.setLong(10, r.inputSeq());
        }
        ps.setString(11, r.detail());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return heads;
  }

  /** The newest timeline row of {@code key}: written by this batch, committed, or in the store. */
  private static long newestRow(
      Connection c,
      ProfileKey key,
      Map<ProfileKey, Long> heads,
      Map<ProfileKey, Long> committedHeads)
      throws SQLException {
    Long h = heads.get(key);
    if (h == null) {
      h = committedHeads.get(key);
    }
    if (h == null) {
      // A profile the batch did not hold (its input was set apart): its row says.
      try (PreparedStatement ps =
          c.prepareStatement("SELECT timeline_head FROM profiles WHERE workspace = ? AND id = ?")) {
        ps.setString(1, key.workspace());
        ps.setString(2, key.id());
        try (ResultSet rs = ps.executeQuery()) {
          h = rs.next() ? rs.getLong(1) : 0L;
        }
      }
      committedHeads.put(key, h);
    }
    return h;
  }

  /**
   * Ids for {@code n} new timeline rows, taken before the insert so the rows can name each other.
   * On SQLite the caller holds the write lock, so the ids after the largest are free; on PostgreSQL
   * they come from the column's sequence, which concurrent writers share safely.
   */
  private static long[] timelineIds(Connection c, Database.Kind kind, int n) throws SQLException {
    long[] ids = new long[n];
    if (kind == Database.Kind.SQLITE) {
      long max;
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM timeline");
          ResultSet rs = ps.executeQuery()) {
        max = rs.next() ? rs.getLong(1) : 0;
      }
      for (int i = 0; i < n; i++) {
        ids[i] = max + 1 + i;
      }
      return ids;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT nextval(pg_get_serial_sequence('timeline', 'id')) FROM generate_series(1, ?)")) {
      ps.setInt(1, n);
      try (ResultSet rs = ps.executeQuery()) {
        for (int i = 0; i < n; i++) {
          if (!rs.next()) {
            throw new SQLException("the timeline's sequence gave fewer ids than asked");
          }
          ids[i] = rs.getLong(1);
        }
      }
    }
    // Sequence values are increasing but not in row order; the chain needs them in row order.
    Arrays.sort(ids);
    return ids;
  }

  /**
   * Adds {@code counts} to the rows of {@code partition} in {@code journey_counts} ({@code sign}
   * 1), or takes them back (-1: an erasure). A partition writes only rows of its own, so the
   * writers of two partitions never wait for each other's row locks.
   */
  private static void addCounts(Connection c, int partition, JourneyCounts counts, int sign)
      throws SQLException {
    if (counts.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO journey_counts (workspace, journey, partition, version, step, bucket,"
                + " kind, n, held, revenue, held_revenue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (workspace, journey, bucket, step, version, kind, partition)"
                + " DO UPDATE SET"
                + " n = journey_counts.n + excluded.n,"
                + " held = journey_counts.held + excluded.held,"
                + " revenue = journey_counts.revenue + excluded.revenue,"
                + " held_revenue = journey_counts.held_revenue + excluded.held_revenue")) {
      for (Map.Entry<JourneyCounts.Key, JourneyCounts.Sums> e : counts.sums().entrySet()) {
        JourneyCounts.Key k = e.getKey();
        JourneyCounts.Sums v = e.getValue();
        ps.setString(1, k.workspace());
        ps.setString(2, k.journey());
        ps.setInt(3, partition);
        ps.setString(4, k.version());
        ps.setString(5, k.step());
        ps.setLong(6, k.bucket());
        ps.setString(7, k.kind());
        ps.setLong(8, sign * v.n);
        ps.setLong(9, sign * v.held);
        ps.setDouble(10, sign * v.revenue);
        ps.setDouble(11, sign * v.heldRevenue);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * What the timeline rows of {@code ids} added to the journey stats, read back before they are
   * deleted (the first deferral of a message is its earliest {@code deferred} row).
   */
  private static JourneyCounts countsOf(Connection c, String workspace, List<Long> rows)
      throws SQLException {
    JourneyCounts counts = new JourneyCounts();
    Map<List<String>, long[]> firstDeferral = new LinkedHashMap<>();
    for (List<Long> chunk : chunks(rows)) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT journey, version, step, at, kind, revenue, detail, message_id FROM timeline"
                  + " WHERE id IN ("
                  + Placeholders.of(chunk.size())
                  + ") AND journey IS NOT NULL AND kind IN ("
                  + JourneyCounts.KINDS
                  + ")")) {
        bindIds(ps, 1, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String journey = rs.getString(1);
            String version = rs.getString(2);
            String step = rs.getString(3);
            long at = rs.getLong(4);
            String kind = rs.getString(5);
            JourneyCounts.Sums s = counts.count(workspace, journey, version, step, at, kind);
            if (kind.equals("converted")) {
              double value = rs.getDouble(6);
              if (JsonValues.MAPPER.readTree(rs.getString(7)).path("holdout").asBoolean()) {
                s.held++;
                s.heldRevenue += value;
              } else {
                s.revenue += value;
              }
            } else if (kind.equals("deferred")) {
              long[] first =
                  firstDeferral.computeIfAbsent(
                      Arrays.asList(journey, version, step, rs.getString(8)),
                      k -> new long[] {Long.MAX_VALUE});
              first[0] = Math.min(first[0], at);
            }
          }
        } catch (JsonProcessingException ex) {
          throw new SQLException("a conversion's timeline detail is not JSON", ex);
        }
      }
    }
    firstDeferral.forEach(
        (k, first) ->
            counts.count(workspace, k.get(0), k.get(1), k.get(2), first[0], "deferred_messages"));
    return counts;
  }

  /**
   * Erases a profile whose newest timeline row is {@code head}; returns how many timers went with
   * it.
   */
  private static long erase(Connection c, int partition, Erasure e, long head, long now)
      throws SQLException {
    long timers = deleteTimers(c, e.timers());
    // Its timeline: its own rows and, through the merges, those of the visitors it absorbed.
    List<Long> rows = chain(c, e, head);
    // Its decisions leave the stats with its timeline. They are taken from this partition's rows
    // even where another partition counted them (a visitor it absorbed): the sums stay right.
    addCounts(c, partition, countsOf(c, e.workspace(), rows), -1);
    for (List<Long> chunk : chunks(rows)) {
      String in = Placeholders.of(chunk.size());
      // Every outbox row has the timeline row of its decision, under the same message id: the
      // outbox needs no index by profile (one less random-key page written per message).
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM outbox WHERE workspace = ? AND message_id IN (SELECT message_id FROM"
                  + " timeline WHERE id IN ("
                  + in
                  + ") AND message_id IS NOT NULL)")) {
        ps.setString(1, e.workspace());
        bindIds(ps, 2, chunk);
        ps.executeUpdate();
      }
      // The events it sent: every log row applied to it is named by a timeline row of it, its
      // own 'event' row or one of the decisions it caused (merge markers too); the erase row
      // itself stays, as the record of the request.
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM events WHERE seq IN (SELECT input_seq FROM timeline WHERE id IN ("
                  + in
                  + ") AND input_seq < ?)")) {
        int next = bindIds(ps, 1, chunk);
        ps.setLong(next, e.seq());
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM timeline WHERE id IN (" + in + ")")) {
        bindIds(ps, 1, chunk);
        ps.executeUpdate();
      }
    }
    for (String id : e.ids()) {
      delete(c, "DELETE FROM inbox WHERE workspace = ? AND profile = ?", e.workspace(), id);
      delete(c, "DELETE FROM profiles WHERE workspace = ? AND id = ?", e.workspace(), id);
      delete(c, "DELETE FROM identities WHERE workspace = ? AND profile = ?", e.workspace(), id);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_log (workspace, at, actor, action, subject, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, e.workspace());
      ps.setLong(2, now);
      ps.setString(3, e.actor());
      ps.setString(4, "profile.erased");
      ps.setString(5, e.profile());
      ps.setString(
          6,
          JsonValues.write(
              java.util.Map.of(
                  "erase_seq", e.seq(), "ids", e.ids(), "reason", "erased on request (GDPR)")));
      ps.executeUpdate();
    }
    return timers;
  }

  /** The ids of the erased profile's timeline rows (docs/runtime.md, "Timeline"). */
  private static List<Long> chain(Connection c, Erasure e, long head) throws SQLException {
    List<Long> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            TimelineChain.with(TimelineChain.startOfHead(e.ids().size()))
                + "SELECT id FROM chain")) {
      ps.setLong(1, head);
      ps.setLong(2, head);
      ps.setString(3, e.workspace());
      int i = 4;
      for (String id : e.ids()) {
        ps.setString(i++, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getLong(1));
        }
      }
    }
    return rows;
  }

  private static final int IN_LIST = 500;

  private static List<List<Long>> chunks(List<Long> ids) {
    List<List<Long>> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += IN_LIST) {
      out.add(ids.subList(i, Math.min(ids.size(), i + IN_LIST)));
    }
    return out;
  }

  /** Binds {@code ids} from parameter {@code first}; returns the next parameter's index. */
  private static int bindIds(PreparedStatement ps, int first, List<Long> ids) throws SQLException {
    int i = first;
    for (long id : ids) {
      ps.setLong(i++, id);
    }
    return i;
  }

  private static int delete(Connection c, String sql, String workspace, String id)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, workspace);
      ps.setString(2, id);
      return ps.executeUpdate();
    }
  }
}
