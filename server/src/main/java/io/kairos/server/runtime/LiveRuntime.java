package io.kairos.server.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kairos.engine.Engine;
import io.kairos.engine.ProfileState;
import io.kairos.engine.StateCodec;
import io.kairos.event.EventParser;
import io.kairos.journey.Journey;
import io.kairos.journey.Trigger;
import io.kairos.server.Capability;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.definitions.PublishedDefinitions;
import io.kairos.server.ops.Metrics;
import io.kairos.server.store.Database;
import io.kairos.server.store.Settings;
import io.kairos.server.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live engine runtime: one writer thread per partition applies the {@code events} log and the
 * partition's due timers through the workspace's {@link io.kairos.engine.Engine} — the same code
 * the simulator runs — and commits profile states, timers, outbox, timeline and its cursor in one
 * transaction per batch. After a crash it continues from the cursors: nothing committed is applied
 * twice, nothing acknowledged is lost, and overdue timers fire once each, in due order.
 *
 * <p>Time comes from the injected {@link InstantSource}: timers fire when it reaches their due
 * time. Tests move a virtual clock, call {@link #wake()} and wait with {@link #awaitIdle}.
 */
public final class LiveRuntime implements Capability {
  private static final Logger log = LoggerFactory.getLogger(LiveRuntime.class);

  private final RuntimeSettings settings;
  private final Database db;
  private final InputLog inputLog;
  private final InstantSource clock;
  private final WorkspaceEngines engines;
  private final Progress progress;
  private final List<PartitionWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final RuntimeMetrics metrics;
  private final OutboxDepth outboxDepth;
  private volatile CommitHook commitHook = CommitHook.NONE;
  private final List<Runnable> outboxListeners = new CopyOnWriteArrayList<>();
  private final StateFormat stateFormat;
  private volatile boolean started;
  private volatile boolean stopping;
  private volatile boolean halted;

  public LiveRuntime(
      ServerConfig config,
      Database db,
      PublishedDefinitions definitions,
      InputLog inputLog,
      InstantSource clock,
      Metrics metrics) {
    this(RuntimeSettings.of(config), db, definitions, inputLog, clock, metrics);
  }

  LiveRuntime(
      RuntimeSettings settings,
      Database db,
      PublishedDefinitions definitions,
      InputLog inputLog,
      InstantSource clock,
      Metrics metrics) {
    this(settings, db, definitions, inputLog, clock, metrics, StateFormat.CODEC);
  }

  LiveRuntime(
      RuntimeSettings settings,
      Database db,
      PublishedDefinitions definitions,
      InputLog inputLog,
      InstantSource clock,
      Metrics metrics,
      StateFormat stateFormat) {
    this.settings = settings;
    this.stateFormat = stateFormat;
    this.db = db;
    this.inputLog = inputLog;
    this.clock = clock;
    this.engines = new WorkspaceEngines(definitions);
    this.progress = new Progress(settings.partitions());
    // Stored messages are validated when they arrive; the runtime only re-reads them. A message
    // stored without a timestamp gets the log's, which replaces whatever the body says anyway.
    EventParser parser =
        EventParser.builder().defaultTimestamp(InstantSource.fixed(Instant.EPOCH)).build();
    this.outboxDepth = new OutboxDepth(db);
    // Before the writers, which count into it; its gauges are read only once the server is up.
    this.metrics = new RuntimeMetrics(metrics.registry(), this);
    for (int p = 0; p < settings.partitions(); p++) {
      workers.add(new PartitionWorker(this, p, parser));
    }
  }

  /** Settings key: the newest profile state format written to this store ({@link StateCodec}). */
  static final String STATE_FORMAT = "profile_state_format";

  @Override
  public void start() {
    if (started) {
      return;
    }
    checkStateFormat(db);
    started = true;
    inputLog.onCommittedRows(this::feed);
    inputLog.onCommitted(seq -> wake());
    for (PartitionWorker w : workers) {
      Thread t = new Thread(w, Database.Writer.RUNTIME.threadName(Integer.toString(w.partition())));
      // A server that is closed stops its writers; a forgotten one must not keep the JVM alive.
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    log.info(
        "runtime started: {} partitions; profile cache up to {} states and {} MB of heap",
        workers.size(),
        settings.cacheProfiles(),
        settings.cacheBytes() >> 20);
  }

  /**
   * Records the profile state format this build writes, and refuses a store that a newer build
   * wrote states to in a format this one cannot read: every input of those profiles would be set
   * apart.
   *
   * @throws StoreException when the store holds states in a newer format
   */
  static void checkStateFormat(Database db) {
    int stored =
        db.transaction(
            true,
            c -> {
              String value = Settings.get(c, STATE_FORMAT);
              int format = value == null ? 0 : Integer.parseInt(value.trim());
              if (format < StateCodec.FORMAT_VERSION) {
                Settings.put(c, STATE_FORMAT, Integer.toString(StateCodec.FORMAT_VERSION));
              }
              return format;
            });
    if (stored > StateCodec.FORMAT_VERSION) {
      throw new StoreException(
          "the store holds profile states in format "
              + stored
              + ", written by a newer Kairos; this build reads formats 1 to "
              + StateCodec.FORMAT_VERSION
              + ". Start the newer build: a store cannot go back past a state format"
              + " (docs/operations.md, \"…a new version starts on an older store\")",
          null);
    }
  }

  @Override
  public boolean ready() {
    return started && !stopping;
  }

  /**
   * Graceful stop: every writer finishes and commits the batch it is in, then ends; waits up to
   * shutdown.grace for them.
   */
  @Override
  public void stop() {
    stopping = true;
    finish();
  }

  /**
   * Stops without committing anything in flight, as close to a crash as a process can do to itself:
   * the writers abandon their batches (their transactions roll back) and end.
   */
  void halt() {
    halted = true;
    stopping = true;
    finish();
  }

  private void finish() {
    progress.close();
    wake();
    long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
    int running = 0;
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (t.isAlive()) {
        running++;
        log.warn("{} did not stop within {}", t.getName(), settings.shutdownGrace());
      }
    }
    if (started && !halted && running == 0) {
      log.info("runtime stopped: every partition committed the batch it was in");
    }
  }

  // On the log writer's thread: each partition gets its share, an empty one too (its range is
  // covered all the same).
  private void feed(long after, long upTo, List<LogEntry> rows) {
    List<List<LogEntry>> shares = new ArrayList<>(workers.size());
    for (int p = 0; p < workers.size(); p++) {
      shares.add(new ArrayList<>());
    }
    for (LogEntry e : rows) {
      shares.get(e.partition()).add(e);
    }
    for (int p = 0; p < workers.size(); p++) {
      workers.get(p).feed().add(after, upTo, shares.get(p));
    }
  }

  /** Makes every writer look at the log and the clock now (after a test moved the clock). */
  public void wake() {
    for (PartitionWorker w : workers) {
      w.wake();
    }
  }

  /**
   * Waits until every partition has applied every event committed when this is called, and fired
   * every timer due at the clock's time then (including timers those inputs set).
   *
   * @return false when {@code limit} passed first, or the runtime stopped
   */
  public boolean awaitIdle(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    long seq = inputLog.settledSeq(limit);
    if (seq < 0) {
      return false;
    }
    long now = clock.millis();
    wake();
    try {
      // One limit for both waits: the store catching up, then the partitions.
      return progress.awaitIdle(seq, now, deadline - System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts the API-triggered journey {@code journeyId} for the customer {@code userId}, durably:
   * when this returns, the request is in the log and will be applied (also after a crash). The
   * journey's entry policy decides, as for any trigger.
   *
   * @param data visible to the journey as {@code event.properties}
   * @return the log seq of the request
   * @throws IllegalArgumentException naming the field: no such published journey, or its trigger is
   *     not {@code api}, or no userId
   */
  public long trigger(String workspace, String journeyId, String userId, Map<String, Object> data) {
    if (userId == null || userId.isBlank()) {
      throw new IllegalArgumentException("userId: required");
    }
    Journey j =
        journeyId == null ? null : engines.get(workspace).engine().journeys().get(journeyId);
    if (j == null) {
      throw new IllegalArgumentException("journey: no journey with id '" + journeyId + "'");
    }
    if (!(j.trigger() instanceof Trigger.Api)) {
      throw new IllegalArgumentException(
          "journey: '" + journeyId + "' is not triggered by the API (trigger: api)");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("journey", journeyId);
    body.put("userId", userId);
    body.put("data", data == null ? Map.of() : data);
    return append(workspace, userId, InputRow.TRIGGER, journeyId, body);
  }

  /**
   * Erases a profile (GDPR), durably: when this returns the request is in the log. Its writer then
   * deletes the profile's state, timers, outbox and timeline rows, identities and earlier events,
   * and writes an {@code audit_log} record, in one transaction.
   *
   * @param actor who asked (for the audit record)
   * @return the log seq of the request
   */
  public long erase(String workspace, String profileId, String actor) {
    if (profileId == null || profileId.isBlank()) {
      throw new IllegalArgumentException("profile: required");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("actor", actor == null ? "unknown" : actor);
    return append(workspace, profileId, InputRow.ERASE, profileId, body);
  }

  /**
   * Waits until the log row {@code seq} (say an erasure {@link #erase} appended) has been applied
   * and committed by its partition's writer. Implemented with the writers' progress signal, no
   * polling.
   *
   * @return false when {@code limit} passed first, or the runtime is stopping
   */
  public boolean awaitApplied(long seq, Duration limit) {
    Integer partition =
        db.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT partition FROM events WHERE seq = ?")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getInt(1) : null;
                }
              }
            });
    if (partition == null) {
      // Only an erasure deletes log rows, and only rows its writer had applied before it.
      return seq <= inputLog.lastCommittedSeq();
    }
    if (partition < 0 || partition >= workers.size()) {
      return false;
    }
    try {
      return progress.awaitMark(partition, seq, limit.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Calls {@code listener} after every commit that added outbox rows, on the writer's thread: it
   * must return at once (the dispatcher only wakes up).
   */
  public void onOutbox(Runnable listener) {
    outboxListeners.add(listener);
  }

  void outboxWritten() {
    for (Runnable r : outboxListeners) {
      r.run();
    }
  }

  /** A committed profile state decoded for a reader, with the engine it was decoded against. */
  public record StoredState(ProfileState state, Engine engine) {}

  /**
   * Decodes a {@code profiles.state} value of {@code workspace} the way the writers do, against the
   * workspace's engine now (journey versions no longer live are found in the definitions store).
   * For readers of committed rows (the profiles API); the writers' caches are not consulted.
   *
   * @throws IllegalArgumentException when the bytes are not a state this version can read
   */
  public StoredState decode(String workspace, byte[] state) {
    WorkspaceEngine we = engines.get(workspace);
    return new StoredState(stateFormat.decode(state, we), we.engine());
  }

  private long append(
      String workspace, String profile, String type, String name, Map<String, Object> body) {
    byte[] json;
    try {
      json = JsonValues.MAPPER.writeValueAsBytes(JsonValues.plain(body));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("data: cannot be written as JSON", e);
    }
    long now = clock.millis();
    return inputLog.append(
        List.of(
            new InputRow(
                workspace,
                profile,
                UUID.randomUUID().toString(),
                type,
                name,
                now,
                now,
                null,
                json)));
  }

  // ---- metrics ---------------------------------------------------------------------------------

  /** How many committed log rows the slowest partition has not applied yet. */
  public long lagEvents() {
    return Math.max(0, inputLog.lastCommittedSeq() - progress.minMark());
  }

  double lagSeconds() {
    long oldest = Long.MAX_VALUE;
    for (PartitionWorker w : workers) {
      oldest = Math.min(oldest, w.oldestUnapplied);
    }
    return oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
  }

  /** Stored timers of the partitions that have counted theirs since the start. */
  long pendingTimers() {
    return sumOverPartitions(w -> w.pendingTimers.get());
  }

  /** Stored timers, or NaN until every partition has counted its own after the start. */
  double pendingTimersGauge() {
    for (PartitionWorker w : workers) {
      if (!w.timersCounted) {
        return Double.NaN;
      }
    }
    return pendingTimers();
  }

  long outboxDepth() {
    return outboxDepth.get();
  }

  /** Profile states in the partitions' caches. */
  double cachedProfiles() {
    return sumOverPartitions(w -> w.cache().sizeSeen());
  }

  /** The heap of the cached profile states, as the caches estimate it. */
  double cachedProfileBytes() {
    return sumOverPartitions(w -> w.cache().bytesSeen());
  }

  private long sumOverPartitions(ToLongFunction<PartitionWorker> value) {
    long n = 0;
    for (PartitionWorker w : workers) {
      n += value.applyAsLong(w);
    }
    return n;
  }

  // ---- for the writers -------------------------------------------------------------------------

  RuntimeSettings settings() {
    return settings;
  }

  Database database() {
    return db;
  }

  InstantSource clock() {
    return clock;
  }

  WorkspaceEngines engines() {
    return engines;
  }

  Progress progress() {
    return progress;
  }

  RuntimeMetrics metrics() {
    return metrics;
  }

  long committedSeq() {
    return inputLog.lastCommittedSeq();
  }

  boolean stopping() {
    return stopping;
  }

  boolean halted() {
    return halted;
  }

  StateFormat stateFormat() {
    return stateFormat;
  }

  CommitHook commitHook() {
    return commitHook;
  }

  /** For tests: runs {@code hook} inside every batch transaction before it commits. */
  void commitHook(CommitHook hook) {
    this.commitHook = hook;
  }
}
