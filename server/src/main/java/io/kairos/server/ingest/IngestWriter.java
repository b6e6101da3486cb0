package io.kairos.server.ingest;

import io.kairos.server.store.Database;
import io.kairos.server.store.SqlWork;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the event log: group commit. Request threads {@link #submit} validated messages
 * and wait on a future; this thread takes every submission queued so far and, in ONE transaction,
 * drops duplicates (messageIds seen within the dedupe window), routes events to profiles ({@link
 * IdentityRouter}), assigns seqs (one increasing sequence; the writer is the only one that assigns
 * them), inserts the rows, commits, and only then completes the futures. So a 200 means committed,
 * and one fsync serves many requests.
 *
 * <p>If a group fails to commit, each of its submissions is tried alone, so one bad submission
 * cannot fail the others; a submission whose commit failed is answered with an error and nothing of
 * it was written.
 */
final class IngestWriter implements EventLog {
  private static final Logger log = LoggerFactory.getLogger(IngestWriter.class);

  /** Most events in one transaction, so a burst does not make one huge commit. */
  static final int MAX_COMMIT_EVENTS = 10_000;

  private static final int IN_LIST = 500;
  private static final int IDENTITY_CACHE = 200_000;

  /** The row type of a GDPR erasure the runtime appends: the profile's identities are deleted. */
  static final String ERASE = "erase";

  private static final long PRUNE_EVERY_MILLIS = 60_000;
  private static final byte[] EMPTY_BODY = "{}".getBytes(StandardCharsets.UTF_8);

  /** Refused before queueing: the queue is full or the writer is stopping. */
  static final class Busy extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean stopping;

    Busy(boolean stopping) {
      super(stopping ? "stopping" : "queue full", null, false, false);
      this.stopping = stopping;
    }
  }

  /** Queued work: tracked messages, or rows the runtime appends. */
  private abstract static class Work {
    abstract int size();

    abstract void fail(Throwable t);
  }

  private static final class Submission extends Work {
    final List<Accepted> items;
    final CompletableFuture<long[]> result = new CompletableFuture<>();
    long[] seqs;

    Submission(List<Accepted> items) {
      this.items = items;
    }

    @Override
    int size() {
      return items.size();
    }

    @Override
    void fail(Throwable t) {
      result.completeExceptionally(t);
    }
  }

  private static final class Append extends Work {
    final List<LogEntry> entries;
    final SqlWork<?> alongside;
    final CompletableFuture<Long> result = new CompletableFuture<>();
    long last;

    Append(List<LogEntry> entries, SqlWork<?> alongside) {
      this.entries = entries;
      this.alongside = alongside;
    }

    @Override
    int size() {
      // A write with no events still costs a statement; it must not be taken as free.
      return Math.max(1, entries.size());
    }

    @Override
    void fail(Throwable t) {
      result.completeExceptionally(t);
    }
  }

  /** Keeps the writer busy until released: lets tests fill the queue deterministically. */
  private static final class Hold extends Work {
    final Runnable body;

    Hold(Runnable body) {
      this.body = body;
    }

    @Override
    int size() {
      return 0;
    }

    @Override
    void fail(Throwable t) {}
  }

  private static final Work STOP =
      new Work() {
        @Override
        int size() {
          return 0;
        }

        @Override
        void fail(Throwable t) {}
      };

  private final Database db;
  private final Partitioner partitioner;
  private final long windowMillis;
  private final InstantSource clock;
  private final int capacity;
  private final IngestMetrics metrics;
  private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Object lock = new Object();
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private volatile long committedSeq;
  private volatile boolean stopping;
  private long nextSeq;

  /**
   * Identity rows by (workspace, value): {userId's profile, anonymous id's profile}, either null
   * when the store has none. The writer is the only writer of {@code identities} (an erasure
   * appended through {@link #append} deletes a profile's rows in its own commit and clears this
   * cache), so the cache never disagrees with the store. Writer thread only.
   */
  private final Map<List<String>, String[]> identityCache =
      new LinkedHashMap<>(1 << 16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<List<String>, String[]> eldest) {
          return size() > IDENTITY_CACHE;
        }
      };

  private long lastPrune = Long.MIN_VALUE;
  private Thread thread;

  /**
   * @param capacity how many events may wait; beyond it {@link #submit} refuses
   * @param metrics null until {@link #metrics} is set
   */
  IngestWriter(
      Database db,
      Partitioner partitioner,
      Duration dedupeWindow,
      InstantSource clock,
      int capacity,
      IngestMetrics metrics) {
    this.db = db;
    this.partitioner = partitioner;
    this.windowMillis = dedupeWindow.toMillis();
    this.clock = clock;
    this.capacity = capacity;
    this.metrics = metrics;
  }

  /** How many group commits were made. */
  long metricsCommits() {
    return metrics.commits();
  }

  /** Events waiting for the writer. */
  int queued() {
    return queued.get();
  }

  /** Reads where the log ends and starts the writer thread. */
  void start() {
    committedSeq =
        db.read(
            c -> {
              long max = 0;
              try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM events");
                  ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  max = rs.getLong(1);
                }
              }
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT value FROM settings WHERE key = 'event_seq'")) {
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next()) {
                    max = Math.max(max, Long.parseLong(rs.getString(1)));
                  }
                }
              }
              return max;
            });
    nextSeq = committedSeq + 1;
    thread = new Thread(this::run, "kairos-ingest-writer");
    thread.start();
  }

  /** Whether the writer takes work. */
  boolean running() {
    return thread != null && thread.isAlive() && !stopping;
  }

  /**
   * Queues validated messages of one request.
   *
   * @return completes after the commit with each message's seq, or -1 for a duplicate
   * @throws Busy when the queue is full or the writer is stopping
   */
  CompletableFuture<long[]> submit(List<Accepted> items) {
    Submission s = new Submission(items);
    enqueue(s);
    return s.result;
  }

  @Override
  public CompletableFuture<Long> append(List<LogEntry> entries) {
    return append(entries, null);
  }

  @Override
  public CompletableFuture<Long> append(List<LogEntry> entries, SqlWork<?> alongside) {
    Append a = new Append(List.copyOf(entries), alongside);
    enqueue(a);
    return a.result;
  }

  private void enqueue(Work w) {
    synchronized (lock) {
      if (stopping || thread == null) {
        throw new Busy(true);
      }
      int n = queued.get();
      // An oversized request is still taken when nothing waits, or it could never be taken.
      if (n > 0 && n + w.size() > capacity) {
        throw new Busy(false);
      }
      queued.addAndGet(w.size());
      queue.add(w);
    }
  }

  /**
   * Runs {@code body} on the writer thread between two commits, for tests: work submitted while it
   * runs waits in the queue.
   */
  void runBetweenCommits(Runnable body) {
    enqueue(new Hold(body));
  }

  @Override
  public long lastCommittedSeq() {
    return committedSeq;
  }

  @Override
  public void onCommitted(LongConsumer listener) {
    listeners.add(listener);
  }

  /**
   * Refuses new work, commits what was queued, and ends the thread (waiting at most {@code grace}).
   */
  void stop(Duration grace) {
    beginStop();
    awaitStopped(grace);
  }

  /** From now on {@link #submit} refuses; what is queued is still committed. */
  void beginStop() {
    synchronized (lock) {
      if (stopping) {
        return;
      }
      stopping = true;
      if (thread != null) {
        queue.add(STOP);
      }
    }
  }

  /** Waits until the writer has committed everything queued before {@link #beginStop}. */
  void awaitStopped(Duration grace) {
    if (thread == null) {
      return;
    }
    try {
      thread.join(Math.max(1, grace.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("ingest writer still committing after {}; closing anyway", grace);
    }
  }

  private void run() {
    List<Work> group = new ArrayList<>();
    while (true) {
      Work first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (first == STOP) {
        log.info(
            "ingest writer stopped: every request it accepted is committed (log up to seq {})",
            committedSeq);
        break;
      }
      if (first instanceof Hold h) {
        h.body.run();
        continue;
      }
      group.add(first);
      int events = first.size();
      // An erasure commits alone: the identities it deletes must not be rewritten by events
      // routed in the same transaction.
      while (events < MAX_COMMIT_EVENTS && !erases(first)) {
        Work next = queue.peek();
        if (next == null || next == STOP || next instanceof Hold || erases(next)) {
          break;
        }
        queue.poll();
        group.add(next);
        events += next.size();
      }
      queued.addAndGet(-events);
      commitGroup(group);
      group.clear();
    }
    // Anything left behind (only after an interrupt) is answered, never silently dropped.
    for (Work w; (w = queue.poll()) != null; ) {
      w.fail(new Busy(true));
    }
  }

  private void commitGroup(List<Work> group) {
    try {
      commit(group);
      return;
    } catch (RuntimeException e) {
      nextSeq = committedSeq + 1;
      if (group.size() == 1) {
        log.error("ingest commit failed", e);
        group.get(0).fail(e);
        return;
      }
      log.warn("group commit of {} submissions failed; committing each alone", group.size(), e);
    }
    for (Work w : group) {
      try {
        commit(List.of(w));
      } catch (RuntimeException e) {
        nextSeq = committedSeq + 1;
        log.error("ingest commit failed", e);
        w.fail(e);
      }
    }
  }

  /** One row of {@code events}. */
  private record Row(
      long seq,
      String workspace,
      String profile,
      String messageId,
      String type,
      String name,
      long timestamp,
      long receivedAt,
      String mergeFrom,
      byte[] body) {}

  private void commit(List<Work> group) {
    long start = System.nanoTime();
    long now = clock.millis();
    long first = nextSeq;
    List<Row> rows = new ArrayList<>();
    int[] accepted = new int[1];
    Set<List<String>> loaded = new HashSet<>();
    IdentityRouter[] routed = new IdentityRouter[1];
    Map<IdentityRouter.Key, String> identityChanges =
        db.transaction(
            c -> {
              if (pruneDue(now)) {
                try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM message_ids WHERE received_at < ?")) {
                  ps.setLong(1, now - windowMillis);
                  ps.executeUpdate();
                }
              }
              if (db.kind() == Database.Kind.POSTGRES) {
                // The writer only looks rows up by key. While a table grows fast its statistics
                // lag and the planner would scan it for every lookup; keys must always be used.
                try (PreparedStatement ps = c.prepareStatement("SET LOCAL enable_seqscan = off")) {
                  ps.execute();
                }
              }
              Set<List<String>> fresh = claimMessageIds(c, group, now);
              Set<List<String>> taken = new HashSet<>();
              if (group.size() == 1 && erases(group.get(0))) {
                forget(c, (Append) group.get(0));
              }
              IdentityRouter router = new IdentityRouter(identities(c, group, loaded));
              long seq = first;
              for (Work w : group) {
                if (w instanceof Submission s) {
                  s.seqs = new long[s.items.size()];
                  for (int i = 0; i < s.items.size(); i++) {
                    Accepted a = s.items.get(i);
                    List<String> key = List.of(a.workspace(), a.messageId());
                    if (!fresh.contains(key) || !taken.add(key)) {
                      s.seqs[i] = -1;
                      continue;
                    }
                    IdentityRouter.Route route = router.route(a);
                    List<String> merged = route.merged();
                    for (String from : merged) {
                      rows.add(
                          new Row(
                              seq++,
                              a.workspace(),
                              from,
                              a.messageId() + "/merge_out/" + from,
                              "merge_out",
                              route.profile(),
                              a.timestamp(),
                              a.receivedAt(),
                              null,
                              EMPTY_BODY));
                    }
                    // Every merge but the last is a row of its own; the last rides on the event.
                    for (int m = 0; m < merged.size() - 1; m++) {
                      rows.add(
                          new Row(
                              seq++,
                              a.workspace(),
                              route.profile(),
                              a.messageId() + "/merge_in/" + merged.get(m),
                              "merge_in",
                              route.profile(),
                              a.timestamp(),
                              a.receivedAt(),
                              merged.get(m),
                              EMPTY_BODY));
                    }
                    long eventSeq = seq++;
                    rows.add(
                        new Row(
                            eventSeq,
                            a.workspace(),
                            route.profile(),
                            a.messageId(),
                            a.type().wireName(),
                            a.name(),
                            a.timestamp(),
                            a.receivedAt(),
                            merged.isEmpty() ? null : merged.get(merged.size() - 1),
                            a.body()));
                    accepted[0]++;
                    s.seqs[i] = eventSeq;
                  }
                } else {
                  Append ap = (Append) w;
                  ap.last = seq - 1;
                  for (LogEntry e : ap.entries) {
                    ap.last = seq;
                    rows.add(
                        new Row(
                            seq++,
                            e.workspace(),
                            e.profile(),
                            e.messageId(),
                            e.type(),
                            e.name(),
                            e.timestamp(),
                            e.receivedAt(),
                            null,
                            e.body()));
                  }
                }
              }
              insertEvents(c, rows);
              upsertIdentities(c, router.changed());
              for (Work w : group) {
                if (w instanceof Append ap && ap.alongside != null) {
                  ap.alongside.run(c);
                }
              }
              routed[0] = router;
              if (seq > first) {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "INSERT INTO settings(key, value) VALUES ('event_seq', ?)"
                            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
                  ps.setString(1, Long.toString(seq - 1));
                  ps.executeUpdate();
                }
              }
              nextSeq = seq;
              return router.changed();
            });
    if (pruneDue(now)) {
      lastPrune = now;
    }
    committedSeq = nextSeq - 1;
    if (group.size() == 1 && erases(group.get(0))) {
      identityCache.clear();
    }
    for (List<String> key : loaded) {
      identityCache.put(
          key,
          new String[] {
            routed[0].profileOf(new IdentityRouter.Key(key.get(0), true, key.get(1))),
            routed[0].profileOf(new IdentityRouter.Key(key.get(0), false, key.get(1)))
          });
    }
    metrics.commit.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    int duplicates = 0;
    for (Work w : group) {
      if (w instanceof Submission s) {
        duplicates += s.items.size();
      }
    }
    duplicates -= accepted[0];
    metrics.accepted.increment(accepted[0]);
    metrics.duplicate.increment(duplicates);
    if (log.isDebugEnabled()) {
      log.debug(
          "committed {} rows ({} identities changed) up to seq {}",
          rows.size(),
          identityChanges.size(),
          committedSeq);
    }
    for (Work w : group) {
      if (w instanceof Submission s) {
        s.result.complete(s.seqs);
      } else {
        Append ap = (Append) w;
        ap.result.complete(ap.last);
      }
    }
    long upTo = committedSeq;
    for (LongConsumer l : listeners) {
      try {
        l.accept(upTo);
      } catch (RuntimeException e) {
        log.error("commit listener failed", e);
      }
    }
  }

  // Old messageIds are deleted once a minute of the (injected) clock, by the commit that sees it.
  private boolean pruneDue(long now) {
    return lastPrune == Long.MIN_VALUE || now - lastPrune >= PRUNE_EVERY_MILLIS || now < lastPrune;
  }

  /**
   * Records the messageIds of the group that were not seen within the window, and returns them as
   * (workspace, messageId): the messages to accept. One upsert per id claims it: a row older than
   * the window (pruning runs once a minute) is taken over, a younger one is a duplicate and
   * returned by nothing. The insert finds conflicts through the key, whatever the statistics say.
   */
  private Set<List<String>> claimMessageIds(Connection c, List<Work> group, long now)
      throws SQLException {
    Map<List<String>, Long> unique = new LinkedHashMap<>();
    for (Work w : group) {
      if (w instanceof Submission s) {
        for (Accepted a : s.items) {
          unique.putIfAbsent(List.of(a.workspace(), a.messageId()), a.receivedAt());
        }
      }
    }
    List<Map.Entry<List<String>, Long>> all = new ArrayList<>(unique.entrySet());
    Set<List<String>> fresh = new HashSet<>();
    for (int from = 0; from < all.size(); from += IN_LIST) {
      List<Map.Entry<List<String>, Long>> chunk =
          all.subList(from, Math.min(all.size(), from + IN_LIST));
      StringBuilder sql =
          new StringBuilder("INSERT INTO message_ids(workspace, message_id, received_at) VALUES ");
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "(?,?,?)" : ",(?,?,?)");
      }
      sql.append(
          " ON CONFLICT (workspace, message_id) DO UPDATE SET received_at = excluded.received_at"
              + " WHERE message_ids.received_at < ? RETURNING workspace, message_id");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (Map.Entry<List<String>, Long> e : chunk) {
          ps.setString(p++, e.getKey().get(0));
          ps.setString(p++, e.getKey().get(1));
          ps.setLong(p++, e.getValue());
        }
        ps.setLong(p, now - windowMillis);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            fresh.add(List.of(rs.getString(1), rs.getString(2)));
          }
        }
      }
    }
    return fresh;
  }

  /**
   * The identity rows the group's events may read, from the cache or the store. {@code loaded}
   * receives every (workspace, value) looked at, so the cache can take their final state.
   */
  private Map<IdentityRouter.Key, String> identities(
      Connection c, List<Work> group, Set<List<String>> loaded) throws SQLException {
    Map<String, Set<String>> missing = new LinkedHashMap<>();
    Map<IdentityRouter.Key, String> known = new HashMap<>();
    List<String> values = new ArrayList<>(3);
    for (Work w : group) {
      if (w instanceof Submission s) {
        for (Accepted a : s.items) {
          values.clear();
          IdentityRouter.valuesOf(a, values);
          for (String v : values) {
            List<String> key = List.of(a.workspace(), v);
            if (!loaded.add(key)) {
              continue;
            }
            String[] hit = identityCache.get(key);
            if (hit == null) {
              missing.computeIfAbsent(a.workspace(), k -> new HashSet<>()).add(v);
            } else {
              if (hit[0] != null) {
                known.put(new IdentityRouter.Key(a.workspace(), true, v), hit[0]);
              }
              if (hit[1] != null) {
                known.put(new IdentityRouter.Key(a.workspace(), false, v), hit[1]);
              }
            }
          }
        }
      }
    }
    for (Map.Entry<String, Set<String>> e : missing.entrySet()) {
      List<String> ids = new ArrayList<>(e.getValue());
      for (int from = 0; from < ids.size(); from += IN_LIST) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
        try (PreparedStatement ps =
            lookup(
                c,
                "SELECT i.kind, i.value, i.profile FROM identities i",
                "i.workspace = ?",
                "i.value",
                chunk)) {
          ps.setString(1, e.getKey());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              known.put(
                  new IdentityRouter.Key(
                      e.getKey(), "user".equals(rs.getString(1)), rs.getString(2)),
                  rs.getString(3));
            }
          }
        }
      }
    }
    return known;
  }

  private static boolean erases(Work w) {
    if (w instanceof Append a) {
      for (LogEntry e : a.entries) {
        if (ERASE.equals(e.type())) {
          return true;
        }
      }
    }
    return false;
  }

  // An erased profile's ids lead nowhere any more: a later event of one starts a new profile.
  private void forget(Connection c, Append a) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM identities WHERE workspace = ? AND profile = ?")) {
      for (LogEntry e : a.entries) {
        if (ERASE.equals(e.type())) {
          ps.setString(1, e.workspace());
          ps.setString(2, e.profile());
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  private void insertEvents(Connection c, List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO events(seq, workspace, partition, profile, message_id, type, name,"
                + " timestamp, received_at, merge_from, body) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      for (Row r : rows) {
        ps.setLong(1, r.seq());
        ps.setString(2, r.workspace());
        ps.setInt(3, partitioner.partition(r.workspace(), r.profile()));
        ps.setString(4, r.profile());
        ps.setString(5, r.messageId());
        ps.setString(6, r.type());
        ps.setString(7, r.name());
        ps.setLong(8, r.timestamp());
        ps.setLong(9, r.receivedAt());
        ps.setString(10, r.mergeFrom());
        ps.setBytes(11, r.body());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void upsertIdentities(Connection c, Map<IdentityRouter.Key, String> changed)
      throws SQLException {
    List<IdentityRows.Identity> rows = new ArrayList<>(changed.size());
    for (Map.Entry<IdentityRouter.Key, String> e : changed.entrySet()) {
      IdentityRouter.Key k = e.getKey();
      rows.add(new IdentityRows.Identity(k.workspace(), k.user(), k.value(), e.getValue()));
    }
    IdentityRows.upsert(c, rows);
  }

  /**
   * A lookup of many keys in one statement: {@code select WHERE filter AND column IN (keys)}. The
   * filter's parameters come first (the caller sets them); the keys are set here. On PostgreSQL the
   * keys are one array, unnested in a subquery: planned as a join, it stays fast when the table's
   * statistics are still those of an empty table, where {@code IN (?, ?, ...)} or {@code = ANY(?)}
   * made the planner scan the table and compare every row with every key (100 ms per lookup in a
   * table that grew to 20,000 rows within a minute).
   */
  private PreparedStatement lookup(
      Connection c, String select, String filter, String column, List<String> keys)
      throws SQLException {
    int params = (int) filter.chars().filter(ch -> ch == '?').count();
    if (db.kind() == Database.Kind.POSTGRES) {
      PreparedStatement ps =
          c.prepareStatement(
              select + " WHERE " + filter + " AND " + column + " IN (SELECT unnest(?::text[]))");
      ps.setArray(params + 1, c.createArrayOf("text", keys.toArray()));
      return ps;
    }
    PreparedStatement ps =
        c.prepareStatement(
            select
                + " WHERE "
                + filter
                + " AND "
                + column
                + " IN ("
                + placeholders(keys.size())
                + ")");
    for (int i = 0; i < keys.size(); i++) {
      ps.setString(params + 1 + i, keys.get(i));
    }
    return ps;
  }

  private static String placeholders(int n) {
    StringBuilder s = new StringBuilder(n * 2);
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "?" : ",?");
    }
    return s.toString();
  }
}
