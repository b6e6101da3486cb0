package io.kairos.server.ingest;

import io.kairos.server.store.Database;
import io.kairos.server.store.Placeholders;
import io.kairos.server.store.Settings;
import io.kairos.server.store.SqlWork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the event log, in two steps with a thread each.
 *
 * <p><b>Logging</b> ({@code kairos-ingest-log}): request threads {@link #submit} validated messages
 * and wait on a future; this thread takes every submission queued so far, drops duplicates
 * (messageIds seen within the dedupe window: among the messages logged but not yet stored, then in
 * the store's {@code message_ids}, asked only about the ids its in-memory {@link DedupeFilter} may
 * hold), appends the rest to the {@link IngestLog} with one force to disk, and only then completes
 * the futures. So a 200 means on disk, and one fsync serves many requests, without waiting for the
 * store's write lock.
 *
 * <p><b>Storing</b> ({@code kairos-ingest-writer}): takes every logged record (and the rows the
 * runtime appends) queued so far and, in ONE transaction, routes events to profiles ({@link
 * IdentityRouter}), assigns seqs (one increasing sequence; the writer is the only one that assigns
 * them), inserts the rows and their messageIds, and records the number of the last log record
 * stored. Then the log's older segments can go. A store failure is retried: what is logged was
 * acknowledged and is never dropped; after a crash the records the store lacks are stored again
 * before the server takes requests ({@link #start}).
 *
 * <p>If a group fails to commit, each of its parts is tried alone, so one bad runtime append cannot
 * fail the others; an append whose commit failed is answered with an error and nothing of it was
 * written.
 */
final class IngestWriter implements EventLog {
  private static final Logger log = LoggerFactory.getLogger(IngestWriter.class);

  /**
   * Most events in one transaction: the store's write lock is held this long, and the runtime's
   * writers wait meanwhile, so a backlog in the log is stored in steps of a few milliseconds each.
   */
  static final int MAX_COMMIT_EVENTS = 2_000;

  private static final int IN_LIST = 500;

  /** Rows the start's scan of {@code message_ids} into the dedupe filter reads per query. */
  private static final int SCAN_ROWS = 10_000;

  private static final int IDENTITY_CACHE = 200_000;

  /** The row type of a GDPR erasure the runtime appends: the profile's identities are deleted. */
  static final String ERASE = "erase";

  private static final long PRUNE_EVERY_MILLIS = 60_000;

  /** The highest seq ever committed, so a seq is never reused after the newest are erased. */
  private static final String EVENT_SEQ = "event_seq";

  /** The number of the last ingest log record the store holds. */
  private static final String LOG_STORED = "ingest_log_stored";

  /** Most events the logging thread takes for one force. */
  static final int MAX_LOG_EVENTS = 10_000;

  private static final long RETRY_MIN_MILLIS = 50;
  private static final long RETRY_MAX_MILLIS = 5_000;
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

  /** One record of the ingest log, its messages already deduplicated: to be stored. */
  private static final class Logged extends Work {
    final long number;
    final List<Accepted> items;

    Logged(long number, List<Accepted> items) {
      this.number = number;
      this.items = items;
    }

    @Override
    int size() {
      return items.size();
    }

    @Override
    void fail(Throwable t) {
      // Acknowledged already: a failure is retried, never answered.
    }
  }

  /** A messageId within its workspace. */
  private record MessageKey(String workspace, String messageId) {}

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
  private final Path logDir;
  private final long segmentBytes;

  /** Submissions waiting for the logging thread. */
  private final LinkedBlockingQueue<Work> front = new LinkedBlockingQueue<>();

  /** Logged records and runtime appends waiting for the store. */
  private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();

  /**
   * The messageIds logged but not stored yet: the part of the dedupe window {@code message_ids}
   * does not show. Added by the logging thread before the force, removed by the storing thread
   * after the commit that puts them in {@code message_ids}; so a messageId is always in one of the
   * two when the logging thread looks here first and in the store second.
   */
  private final Map<MessageKey, Boolean> unstored = new ConcurrentHashMap<>();

  private final Object storedSignal = new Object();
  private IngestLog ingestLog;
  private volatile long lastLogged;
  private volatile long lastStored;

  /**
   * The last ingest log record whose copy in the store is on disk: stored by a forced commit of
   * this writer or by one before such a commit (forcing the store's log forces all of it). Segments
   * are deleted up to here only. Storing thread only.
   */
  private long durableStored;

  private volatile LongSupplier engineBehind = () -> 0;
  private Thread logger;
  private final AtomicInteger queued = new AtomicInteger();
  private final Object lock = new Object();
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private final List<EventLog.RowsListener> rowsListeners = new CopyOnWriteArrayList<>();
  private volatile long committedSeq;
  private volatile boolean stopping;
  private long nextSeq;

  /** What the commits of the group in hand took off {@link #queued}; the writer's thread only. */
  private int released;

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

  /**
   * The dedupe window's messageIds in memory, so the logging thread asks the store only about ids
   * it may hold; null when {@code ingest.dedupe_filter_mb} is 0 (every id is looked up).
   */
  private final DedupeFilter filter;

  private Thread filterScan;

  /** Set when a logged record could not be stored before the stop: nothing after it may be. */
  private boolean halted;

  private Thread thread;

  /**
   * @param logDir the ingest log's directory
   * @param segmentBytes when the log starts a new segment file
   * @param capacity how many events may wait (logged or not yet, not yet stored); beyond it {@link
   *     #submit} refuses
   * @param filterBytes the most memory the dedupe filter takes; 0 for none
   * @param metrics the meters
   */
  IngestWriter(
      Database db,
      Path logDir,
      long segmentBytes,
      Partitioner partitioner,
      Duration dedupeWindow,
      long filterBytes,
      InstantSource clock,
      int capacity,
      IngestMetrics metrics) {
    this.db = db;
    this.logDir = logDir;
    this.segmentBytes = segmentBytes;
    this.partitioner = partitioner;
    this.windowMillis = dedupeWindow.toMillis();
    this.clock = clock;
    this.capacity = capacity;
    this.metrics = metrics;
    this.filter = filterBytes > 0 ? new DedupeFilter(windowMillis, filterBytes) : null;
    metrics.filterBytes(() -> filter == null ? 0 : filter.bytes());
  }

  /** How many group commits were made. */
  long metricsCommits() {
    return metrics.commits();
  }

  /** How many appends (each forced to disk) the ingest log took. */
  long metricsLogAppends() {
    return metrics.logForce.count();
  }

  /** Events waiting for the writer. */
  int queued() {
    return queued.get();
  }

  /**
   * Reads where the event log ends, stores the ingest log's records the store lacks (those logged
   * before a crash), and starts the two threads.
   */
  void start() {
    long[] stored = new long[1];
    committedSeq =
        db.read(
            c -> {
              String logStored = Settings.get(c, LOG_STORED);
              stored[0] = logStored == null ? 0 : Long.parseLong(logStored);
              long max = 0;
              try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM events");
                  ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  max = rs.getLong(1);
                }
              }
              String eventSeq = Settings.get(c, EVENT_SEQ);
              return eventSeq == null ? max : Math.max(max, Long.parseLong(eventSeq));
            });
    nextSeq = committedSeq + 1;
    List<IngestLog.Entry> pending = new ArrayList<>();
    ingestLog = IngestLog.open(logDir, segmentBytes, stored[0], pending);
    lastStored = stored[0];
    lastLogged = ingestLog.nextNumber() - 1;
    if (!pending.isEmpty()) {
      storeLoggedBeforeStart(pending);
    }
    thread = new Thread(this::run, Database.Writer.INGEST.threadName(""));
    thread.start();
    logger = new Thread(this::log, "kairos-ingest-log");
    logger.start();
    if (filter != null) {
      // After the logging thread started: it adds every id it logs from now on, and the scan
      // adds those the store held before, so together they cover the window.
      filterScan = new Thread(this::fillFilter, "kairos-dedupe-scan");
      filterScan.setDaemon(true);
      filterScan.start();
    }
  }

  /**
   * Adds the store's messageIds within the window to the filter, then lets it answer. In key order,
   * a query per {@link #SCAN_ROWS} rows, so no read holds one snapshot for long (on SQLite that
   * would keep the write-ahead log from starting over). A row committed behind the scan's position
   * was logged by this writer, which added its id, or claimed by a caller who said so ({@link
   * #claiming}).
   */
  private void fillFilter() {
    long began = System.nanoTime();
    long now = clock.millis();
    String[] after = {"", ""};
    long rows = 0;
    try {
      while (!stopping) {
        int n =
            db.read(
                c -> {
                  int read = 0;
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          // A row value: both stores read it as a range of the primary key.
                          "SELECT workspace, message_id, received_at FROM message_ids"
                              + " WHERE (workspace, message_id) > (?, ?)"
                              + " ORDER BY workspace, message_id LIMIT "
                              + SCAN_ROWS)) {
                    ps.setString(1, after[0]);
                    ps.setString(2, after[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                      while (rs.next()) {
                        read++;
                        after[0] = rs.getString(1);
                        after[1] = rs.getString(2);
                        long at = rs.getLong(3);
                        if (at >= now - windowMillis) {
                          filter.add(after[0], after[1], at);
                        }
                      }
                    }
                  }
                  return read;
                });
        rows += n;
        if (n < SCAN_ROWS) {
          filter.ready();
          log.info(
              "dedupe filter ready: {} messageIds read in {} ms, {} KB",
              rows,
              (System.nanoTime() - began) / 1_000_000,
              filter.bytes() >> 10);
          return;
        }
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        log.error("dedupe filter not filled; every messageId is looked up in the store", e);
      }
    }
  }

  /** Waits for the start's scan of the dedupe window: whether the filter answers now (tests). */
  boolean awaitDedupeFilter(Duration limit) throws InterruptedException {
    if (filterScan != null) {
      filterScan.join(Math.max(1, limit.toMillis()));
    }
    return filter != null && filter.isReady();
  }

  @Override
  public void claiming(List<LogEntry> entries) {
    if (filter != null) {
      long now = clock.millis();
      for (LogEntry e : entries) {
        filter.add(e.workspace(), e.messageId(), now);
      }
    }
  }

  /** Stores what was acknowledged before the last stop but not stored, before any new request. */
  private void storeLoggedBeforeStart(List<IngestLog.Entry> pending) {
    List<Work> group = new ArrayList<>();
    int events = 0;
    for (IngestLog.Entry e : pending) {
      Logged l = new Logged(e.number(), LoggedMessages.decode(e.payload()));
      for (Accepted a : l.items) {
        unstored.put(new MessageKey(a.workspace(), a.messageId()), Boolean.TRUE);
      }
      group.add(l);
      events += l.size();
      // Waiting to be stored, as a request's events are: the commit releases them.
      queued.addAndGet(l.size());
      if (events >= MAX_COMMIT_EVENTS) {
        commit(group);
        group.clear();
        events = 0;
      }
    }
    if (!group.isEmpty()) {
      commit(group);
    }
    log.info(
        "stored {} ingest log records acknowledged before the last stop (up to record {})",
        pending.size(),
        lastStored);
  }

  /** Whether the writer takes work. */
  boolean running() {
    return thread != null && thread.isAlive() && logger.isAlive() && !stopping;
  }

  /**
   * Queues validated messages of one request.
   *
   * @return completes once they are on disk in the ingest log with, for each message, the number of
   *     its log record, or -1 for a duplicate
   * @throws Busy when the queue is full or the writer is stopping
   */
  CompletableFuture<long[]> submit(List<Accepted> items) {
    Submission s = new Submission(items);
    enqueue(s, front);
    return s.result;
  }

  @Override
  public CompletableFuture<Long> append(List<LogEntry> entries) {
    return append(entries, null);
  }

  @Override
  public CompletableFuture<Long> append(List<LogEntry> entries, SqlWork<?> alongside) {
    Append a = new Append(List.copyOf(entries), alongside);
    enqueue(a, queue);
    return a.result;
  }

  /** See {@link Ingestion#limitBacklog}. */
  void limitBacklog(LongSupplier engineBehind) {
    this.engineBehind = engineBehind;
  }

  /** Events acknowledged (or waiting to be) that the engine has not applied yet. */
  long backlog() {
    return queued.get() + engineBehind.getAsLong();
  }

  private void enqueue(Work w, LinkedBlockingQueue<Work> to) {
    synchronized (lock) {
      if (stopping || thread == null) {
        throw new Busy(true);
      }
      // Only tracked messages wait for the engine: the runtime's own appends (the dispatcher's
      // outcomes, triggers, erasures) must go on, or the engine could not catch up.
      long n = w instanceof Submission ? backlog() : queued.get();
      // An oversized request is still taken when nothing waits, or it could never be taken.
      if (n > 0 && n + w.size() > capacity) {
        throw new Busy(false);
      }
      queued.addAndGet(w.size());
      to.add(w);
    }
  }

  /**
   * Runs {@code body} on the writer thread between two commits, for tests: work submitted while it
   * runs waits in the queue.
   */
  void runBetweenCommits(Runnable body) {
    enqueue(new Hold(body), queue);
  }

  /**
   * Waits until everything logged when this is called is in the store: what a reader of the {@code
   * events} table needs after an acknowledgement, to see the acknowledged messages.
   *
   * @return the last committed seq then, or -1 when {@code limit} passed first
   */
  @Override
  public long awaitStored(Duration limit) {
    long target = lastLogged;
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (storedSignal) {
      while (lastStored < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return -1;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(storedSignal, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
      }
    }
    return committedSeq;
  }

  @Override
  public long lastCommittedSeq() {
    return committedSeq;
  }

  @Override
  public void onCommitted(LongConsumer listener) {
    listeners.add(listener);
  }

  @Override
  public void onCommittedRows(EventLog.RowsListener listener) {
    rowsListeners.add(listener);
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
      if (logger != null) {
        // The logging thread passes the stop on to the storing thread once it has logged all.
        front.add(STOP);
      }
    }
  }

  /** Waits until the writer has committed everything queued before {@link #beginStop}. */
  void awaitStopped(Duration grace) {
    if (thread == null) {
      return;
    }
    try {
      long deadline = System.nanoTime() + Math.max(1, grace.toMillis()) * 1_000_000;
      logger.join(Math.max(1, grace.toMillis()));
      thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn(
          "ingest writer still committing after {}; closing anyway (the ingest log keeps what is"
              + " not stored, and the next start stores it)",
          grace);
    }
    if (!logger.isAlive()) {
      ingestLog.close();
    }
  }

  /** The logging thread: dedupe, append, force, acknowledge, hand over to the storing thread. */
  private void log() {
    List<Submission> group = new ArrayList<>();
    while (true) {
      Work first = take(front);
      if (first == null) {
        break;
      }
      if (first == STOP) {
        queue.add(STOP);
        return;
      }
      group.add((Submission) first);
      int events = first.size();
      while (events < MAX_LOG_EVENTS) {
        Work next = front.peek();
        if (next == null || next == STOP) {
          break;
        }
        front.poll();
        group.add((Submission) next);
        events += next.size();
      }
      logGroup(group);
      group.clear();
    }
    for (Work w; (w = front.poll()) != null; ) {
      w.fail(new Busy(true));
    }
  }

  private void logGroup(List<Submission> group) {
    long now = clock.millis();
    List<MessageKey> claimed = new ArrayList<>();
    List<List<Accepted>> fresh = new ArrayList<>(group.size());
    int events = 0;
    int duplicates = 0;
    try {
      // The ids logged but not stored are looked at first, the store second: an id the storing
      // thread moves from one to the other in between is then found in the store.
      Set<MessageKey> seen = new HashSet<>();
      List<MessageKey> candidates = new ArrayList<>();
      boolean filtered = filter != null && filter.isReady();
      if (filter != null) {
        filter.expire(now);
      }
      int absent = 0;
      for (Submission s : group) {
        events += s.size();
        s.seqs = new long[s.items.size()];
        for (int i = 0; i < s.items.size(); i++) {
          Accepted a = s.items.get(i);
          MessageKey key = new MessageKey(a.workspace(), a.messageId());
          if (!seen.add(key) || unstored.containsKey(key)) {
            s.seqs[i] = -1;
          } else if (filtered && !filter.mightContain(a.workspace(), a.messageId(), now)) {
            absent++;
          } else {
            candidates.add(key);
          }
        }
      }
      metrics.filterAbsent.increment(absent);
      metrics.storeLookups.increment(candidates.size());
      long lookup = System.nanoTime();
      Set<MessageKey> inStore = inStore(candidates, now);
      if (!candidates.isEmpty()) {
        metrics.dedupe.record(System.nanoTime() - lookup, TimeUnit.NANOSECONDS);
      }
      for (Submission s : group) {
        List<Accepted> kept = new ArrayList<>(s.items.size());
        for (int i = 0; i < s.items.size(); i++) {
          Accepted a = s.items.get(i);
          if (s.seqs[i] == 0 && inStore.contains(new MessageKey(a.workspace(), a.messageId()))) {
            s.seqs[i] = -1;
          }
          if (s.seqs[i] < 0) {
            duplicates++;
          } else {
            kept.add(a);
          }
        }
        fresh.add(kept);
      }
      List<byte[]> payloads = new ArrayList<>();
      for (List<Accepted> kept : fresh) {
        if (!kept.isEmpty()) {
          payloads.add(LoggedMessages.encode(kept));
          for (Accepted a : kept) {
            MessageKey key = new MessageKey(a.workspace(), a.messageId());
            unstored.put(key, Boolean.TRUE);
            claimed.add(key);
            if (filter != null) {
              // Before the force: if it fails, the id is a false "maybe", which costs a lookup.
              filter.add(a.workspace(), a.messageId(), a.receivedAt());
            }
          }
        }
      }
      long start = System.nanoTime();
      long number = ingestLog.nextNumber();
      if (!payloads.isEmpty()) {
        ingestLog.append(payloads);
        metrics.logForce.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      // Duplicates never wait for the store.
      queued.addAndGet(-duplicates);
      for (int g = 0; g < group.size(); g++) {
        List<Accepted> kept = fresh.get(g);
        if (kept.isEmpty()) {
          continue;
        }
        Submission s = group.get(g);
        for (int i = 0; i < s.seqs.length; i++) {
          if (s.seqs[i] == 0) {
            s.seqs[i] = number;
          }
        }
        queue.add(new Logged(number++, kept));
      }
      lastLogged = number - 1;
    } catch (IOException | RuntimeException e) {
      log.error("ingest log append failed; the requests are answered 503", e);
      for (MessageKey k : claimed) {
        unstored.remove(k);
      }
      queued.addAndGet(-events);
      for (Submission s : group) {
        s.fail(e);
      }
      return;
    }
    metrics.accepted.increment(events - duplicates);
    metrics.duplicate.increment(duplicates);
    for (Submission s : group) {
      s.result.complete(s.seqs);
    }
  }

  /** Which of {@code keys} the store's {@code message_ids} has within the dedupe window. */
  private Set<MessageKey> inStore(List<MessageKey> keys, long now) {
    if (keys.isEmpty()) {
      return Set.of();
    }
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (MessageKey k : keys) {
      ids.computeIfAbsent(k.workspace(), w -> new ArrayList<>()).add(k.messageId());
    }
    return db.read(
        c -> {
          Set<MessageKey> found = new HashSet<>();
          for (Map.Entry<String, List<String>> e : ids.entrySet()) {
            List<String> all = e.getValue();
            for (int from = 0; from < all.size(); from += IN_LIST) {
              List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
              // The window is checked here, not in SQL: with `received_at >= ?` in the query,
              // PostgreSQL without statistics on the table (a new store) combined the primary key
              // with the received_at index, which matches every recent row: 0.4 s a lookup.
              try (PreparedStatement ps =
                  lookup(
                      c,
                      "SELECT m.message_id, m.received_at FROM message_ids m",
                      "m.workspace = ?",
                      "m.message_id",
                      chunk)) {
                ps.setString(1, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    if (rs.getLong(2) >= now - windowMillis) {
                      found.add(new MessageKey(e.getKey(), rs.getString(1)));
                    }
                  }
                }
              }
            }
          }
          return found;
        });
  }

  /** The next work, once there is some; null when the thread is interrupted. */
  private static Work take(LinkedBlockingQueue<Work> from) {
    try {
      return from.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void run() {
    List<Work> group = new ArrayList<>();
    while (true) {
      Work first = take(queue);
      if (first == null) {
        break;
      }
      if (first == STOP) {
        log.info(
            "ingest writer stopped: every request it accepted is stored (log up to seq {})",
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
      released = 0;
      commitGroup(group);
      // What a commit released it released as its seq showed; the rest (failed parts) now.
      queued.addAndGet(released - events);
      group.clear();
      if (halted) {
        log.error(
            "ingest writer stopped storing: the ingest log keeps the rest for the next start");
        break;
      }
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
      log.warn("group commit of {} parts failed; committing each alone", group.size(), e);
    }
    for (Work w : group) {
      if (w instanceof Logged) {
        if (halted || !storeUntilDone(w)) {
          // Records are stored in log order or not at all, or the next start would skip this one.
          halted = true;
        }
        continue;
      }
      try {
        commit(List.of(w));
      } catch (RuntimeException e) {
        nextSeq = committedSeq + 1;
        log.error("ingest commit failed", e);
        w.fail(e);
      }
    }
  }

  /**
   * Commits a logged record, retrying while the store fails: it was acknowledged, so it is never
   * dropped. While this retries, requests queue up until the capacity refuses them with 503. When
   * the server stops meanwhile, the record stays in the ingest log for the next start.
   */
  private boolean storeUntilDone(Work w) {
    long wait = RETRY_MIN_MILLIS;
    while (true) {
      try {
        commit(List.of(w));
        return true;
      } catch (RuntimeException e) {
        nextSeq = committedSeq + 1;
        if (stopping) {
          log.error("ingest log record not stored before the stop; the next start stores it", e);
          return false;
        }
        log.error("storing an ingest log record failed; retrying in {} ms", wait, e);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        wait = Math.min(RETRY_MAX_MILLIS, wait * 2);
      }
    }
  }

  private void commit(List<Work> group) {
    long start = System.nanoTime();
    long now = clock.millis();
    long first = nextSeq;
    List<EventLog.StoredRow> rows = new ArrayList<>();
    long[] stored = new long[1];
    Set<List<String>> loaded = new HashSet<>();
    IdentityRouter[] routed = new IdentityRouter[1];
    boolean forced = mustForce(group);
    Map<IdentityRouter.Key, String> identityChanges =
        db.transaction(
            forced,
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
              long logged = recordMessageIds(c, group);
              if (group.size() == 1 && erases(group.get(0))) {
                forget(c, (Append) group.get(0));
              }
              IdentityRouter router = new IdentityRouter(identities(c, group, loaded));
              long seq = first;
              for (Work w : group) {
                if (w instanceof Logged l) {
                  for (Accepted a : l.items) {
                    IdentityRouter.Route route = router.route(a);
                    List<String> merged = route.merged();
                    for (String from : merged) {
                      rows.add(
                          new EventLog.StoredRow(
                              seq++,
                              partitioner.partition(a.workspace(), from),
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
                          new EventLog.StoredRow(
                              seq++,
                              partitioner.partition(a.workspace(), route.profile()),
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
                        new EventLog.StoredRow(
                            eventSeq,
                            partitioner.partition(a.workspace(), route.profile()),
                            a.workspace(),
                            route.profile(),
                            a.messageId(),
                            a.type().wireName(),
                            a.name(),
                            a.timestamp(),
                            a.receivedAt(),
                            merged.isEmpty() ? null : merged.get(merged.size() - 1),
                            a.body()));
                  }
                } else {
                  Append ap = (Append) w;
                  ap.last = seq - 1;
                  for (LogEntry e : ap.entries) {
                    ap.last = seq;
                    rows.add(
                        new EventLog.StoredRow(
                            seq++,
                            partitioner.partition(e.workspace(), e.profile()),
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
                Settings.put(c, EVENT_SEQ, Long.toString(seq - 1));
              }
              if (logged > 0) {
                Settings.put(c, LOG_STORED, Long.toString(logged));
              }
              stored[0] = logged;
              nextSeq = seq;
              return router.changed();
            });
    if (pruneDue(now)) {
      lastPrune = now;
    }
    if (!rows.isEmpty()) {
      // Before the new seq shows: a partition that sees it finds the rows in its feed.
      List<EventLog.StoredRow> committed = Collections.unmodifiableList(rows);
      for (EventLog.RowsListener l : rowsListeners) {
        try {
          l.committed(first - 1, nextSeq - 1, committed);
        } catch (RuntimeException e) {
          log.error("commit listener failed", e);
        }
      }
    }
    // Before the new seq shows: from then on the engine's lag counts these events, and counted
    // twice they could refuse a request with 503 though the engine has caught up.
    int size = 0;
    for (Work w : group) {
      size += w.size();
    }
    queued.addAndGet(-size);
    released += size;
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
    long committedAt = clock.millis();
    for (Work w : group) {
      if (w instanceof Logged l) {
        for (Accepted a : l.items) {
          metrics.stored.record(Math.max(0, committedAt - a.receivedAt()), TimeUnit.MILLISECONDS);
        }
      }
    }
    if (stored[0] > 0) {
      for (Work w : group) {
        if (w instanceof Logged l) {
          for (Accepted a : l.items) {
            unstored.remove(new MessageKey(a.workspace(), a.messageId()));
          }
        }
      }
    }
    // Before the signal: a waiter that saw its record stored sees the segments it released gone.
    long storedNow = Math.max(lastStored, stored[0]);
    if (forced && storedNow > durableStored) {
      durableStored = storedNow;
      ingestLog.release(durableStored);
    }
    if (stored[0] > 0) {
      synchronized (storedSignal) {
        lastStored = stored[0];
        storedSignal.notifyAll();
      }
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "committed {} rows ({} identities changed) up to seq {}",
          rows.size(),
          identityChanges.size(),
          committedSeq);
    }
    for (Work w : group) {
      if (w instanceof Append ap) {
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

  /**
   * Whether this group's commit must be on disk when it returns. Rows copied from the ingest log
   * need not be: until their segment is deleted the log still holds them, and a start after a power
   * loss that undid the commit stores them again (the store's {@code ingest_log_stored} went back
   * with it). So a commit is forced when it lets a segment go, which also forces every unforced one
   * before it, and when it holds anything else: the runtime's own rows (a trigger's caller is
   * answered on this commit) and the delivery writes that come with them (a dispatcher's claim must
   * be on disk before its message goes out, and it forces the runtime's unforced commits before
   * it).
   */
  private boolean mustForce(List<Work> group) {
    long last = 0;
    for (Work w : group) {
      if (!(w instanceof Logged l)) {
        return true;
      }
      last = Math.max(last, l.number);
    }
    return ingestLog.releases(Math.max(last, lastStored));
  }

  // Old messageIds are deleted once a minute of the (injected) clock, by the commit that sees it.
  private boolean pruneDue(long now) {
    return lastPrune == Long.MIN_VALUE || now - lastPrune >= PRUNE_EVERY_MILLIS || now < lastPrune;
  }

  /**
   * Writes the messageIds of the group's logged records into {@code message_ids}, where the logging
   * thread finds them from now on. The logging thread already dropped duplicates, so each id is new
   * or older than the window: an older row is taken over.
   *
   * @return the number of the group's last logged record, 0 when it has none
   */
  private long recordMessageIds(Connection c, List<Work> group) throws SQLException {
    long last = 0;
    List<Accepted> all = new ArrayList<>();
    for (Work w : group) {
      if (w instanceof Logged l) {
        all.addAll(l.items);
        last = l.number;
      }
    }
    for (int from = 0; from < all.size(); from += IN_LIST) {
      List<Accepted> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
      StringBuilder sql =
          new StringBuilder("INSERT INTO message_ids(workspace, message_id, received_at) VALUES ");
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "(?,?,?)" : ",(?,?,?)");
      }
      sql.append(
          " ON CONFLICT (workspace, message_id) DO UPDATE SET received_at = excluded.received_at");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (Accepted a : chunk) {
          ps.setString(p++, a.workspace());
          ps.setString(p++, a.messageId());
          ps.setLong(p++, a.receivedAt());
        }
        ps.executeUpdate();
      }
    }
    return last;
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
      if (w instanceof Logged l) {
        for (Accepted a : l.items) {
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

  private void insertEvents(Connection c, List<EventLog.StoredRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO events(seq, workspace, partition, profile, message_id, type, name,"
                + " timestamp, received_at, merge_from, body) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      for (EventLog.StoredRow r : rows) {
        ps.setLong(1, r.seq());
        ps.setString(2, r.workspace());
        ps.setInt(3, r.partition());
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
                + Placeholders.of(keys.size())
                + ")");
    for (int i = 0; i < keys.size(); i++) {
      ps.setString(params + 1 + i, keys.get(i));
    }
    return ps;
  }
}
