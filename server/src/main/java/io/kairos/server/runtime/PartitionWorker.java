package io.kairos.server.runtime;

import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.StateCodec;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventParser;
import io.kairos.profile.Profile;
import io.kairos.server.store.Database;
import io.kairos.server.store.StoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a partition: reads the partition's new log rows and its due timers, applies
 * them through the workspace's engine in the order the simulator would (a timer due at T before an
 * event stamped T; events in log order), and commits everything they changed in one transaction
 * with the partition's cursor. See docs/runtime.md for the guarantees.
 */
final class PartitionWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);

  /** Longest idle wait before re-checking the log and the clock (a safety net, not the signal). */
  private static final long MAX_IDLE_MILLIS = 1_000;

  private final LiveRuntime rt;
  private final int partition;
  private final RuntimeSettings settings;
  private final PartitionReads reads;
  private final RowFeed feed = new RowFeed();
  private final Profiles profiles;
  private final TimerWindow window;
  private final EventParser parser;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signal = lock.newCondition();
  private boolean wakeRequested;

  private boolean initialized;
  private long cursor;
  private long clock = Long.MIN_VALUE;
  private long nextTimerId = 1;
  private Batch batch;
  private int inputLimit;
  private boolean isolateFirst;

  /** Batches still to run one input each, to find an input whose state cannot be stored. */
  private int singleSteps;

  private int failures;

  /**
   * Longest a busy writer goes without counting its stored timers after a start (an idle one counts
   * at once).
   */
  private static final long COUNT_TIMERS_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);

  /**
   * Stored timers of the partition once {@link #timersCounted}, then kept current by each commit.
   */
  final AtomicLong pendingTimers = new AtomicLong();

  /** Whether {@link #pendingTimers} has been counted since the start. */
  volatile boolean timersCounted;

  private long startedAt;

  /** received_at of the oldest log row read but not yet committed; MAX_VALUE when caught up. */
  volatile long oldestUnapplied = Long.MAX_VALUE;

  PartitionWorker(LiveRuntime rt, int partition, EventParser parser) {
    this.rt = rt;
    this.partition = partition;
    this.settings = rt.settings();
    this.reads = new PartitionReads(rt.database(), partition);
    this.profiles =
        new Profiles(
            reads,
            settings.cachePerPartition(),
            settings.cacheBytesPerPartition(),
            rt.stateFormat(),
            rt.metrics());
    this.window = new TimerWindow(settings.timerWindow());
    this.parser = parser;
    this.inputLimit = settings.batchSize();
  }

  /** The profile cache, for its gauges. */
  ProfileCache cache() {
    return profiles.cache();
  }

  /** The rows the log's writer hands over at its commits. */
  RowFeed feed() {
    return feed;
  }

  /** Makes the writer look at the log and the clock again now. */
  void wake() {
    lock.lock();
    try {
      wakeRequested = true;
      signal.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void run() {
    while (!rt.stopping()) {
      try {
        if (!initialized) {
          init();
        }
        lock.lock();
        try {
          wakeRequested = false;
        } finally {
          lock.unlock();
        }
        long high = rt.committedSeq();
        long now = rt.clock().millis();
        boolean worked = step(high, now);
        failures = 0;
        if (!worked) {
          countTimers();
          rt.progress().idle(partition, cursor, now);
          awaitWork();
        } else if (!timersCounted && System.nanoTime() - startedAt > COUNT_TIMERS_AFTER_NANOS) {
          countTimers();
        }
      } catch (Halted e) {
        forget();
        return;
      } catch (Unencodable u) {
        forget();
        // One of the batch's inputs left a state the codec cannot write: go one input at a time
        // until that one is found and set apart (or a batch's worth has passed without it).
        singleSteps = settings.batchSize();
        log.error("partition {}: a state of the batch cannot be stored", partition, u);
      } catch (PoisonInput p) {
        forget();
        if (p.index > 0) {
          // Apply and commit what came before it; the next batch starts with it, alone.
          inputLimit = p.index;
        } else {
          isolateFirst = true;
        }
        log.warn("partition {}: input {} of a batch failed; applying it apart", partition, p.index);
      } catch (RuntimeException e) {
        forget();
        failures++;
        log.error("partition {}: batch failed (attempt {}); retrying", partition, failures, e);
        backOff();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    log.info(
        "partition {}: stopped; its log up to seq {} is applied and committed", partition, cursor);
  }

  // ---- life cycle ------------------------------------------------------------------------------

  private void init() {
    PartitionReads.Start start = reads.start();
    cursor = start.cursor();
    clock = start.clock();
    nextTimerId = start.nextTimerId();
    rt.progress().advanced(partition, cursor);
    initialized = true;
    startedAt = System.nanoTime();
    log.info("partition {}: starting after seq {}", partition, cursor);
  }

  /**
   * Counts the partition's stored timers, once after the start: when the writer first has nothing
   * to do (after the overdue timers and the log's backlog, which a count of millions of rows would
   * otherwise delay), or after a while of being busy. Exact, because only this writer adds or
   * deletes the partition's timers, and it does not commit while it counts.
   */
  private void countTimers() {
    if (timersCounted) {
      return;
    }
    long started = System.nanoTime();
    pendingTimers.set(reads.countTimers());
    timersCounted = true;
    log.info(
        "partition {}: {} timers pending (counted in {} ms)",
        partition,
        pendingTimers.get(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** After a failure: nothing of the batch stays in memory; the store has the truth. */
  private void forget() {
    Batch b = batch;
    batch = null;
    if (b != null) {
      profiles.afterFailure(b);
      clock = b.startClock;
    }
    window.drop();
    oldestUnapplied = Long.MAX_VALUE;
  }

  private void awaitWork() throws InterruptedException {
    lock.lock();
    try {
      if (wakeRequested || rt.stopping()) {
        return;
      }
      long wait = MAX_IDLE_MILLIS;
      PendingTimer next = window.peek();
      if (next != null) {
        wait = Math.min(wait, Math.max(0, next.due() - rt.clock().millis()));
      }
      if (wait > 0) {
        signal.await(wait, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private void backOff() {
    long millis = Math.min(5_000, 50L << Math.min(failures, 7));
    if (failures <= 1) {
      return; // the first retry at once: most failures are a lost race or a one-off
    }
    lock.lock();
    try {
      if (!rt.stopping()) {
        signal.await(millis, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  // ---- one batch -------------------------------------------------------------------------------

  /**
   * Applies what is due: log rows up to {@code high}, timers due at {@code now}, at most one batch.
   *
   * @return whether anything was applied (false: the writer may wait)
   */
  private boolean step(long high, long now) throws InterruptedException {
    if (window.needsLoad()) {
      loadWindow();
    }
    int limit = singleSteps > 0 ? 1 : inputLimit;
    inputLimit = settings.batchSize();
    boolean isolate = isolateFirst || singleSteps > 0;
    isolateFirst = false;
    if (singleSteps > 0) {
      singleSteps--;
    }
    Batch b = new Batch(clock);
    batch = b;
    List<LogEntry> rows = List.of();
    if (cursor < high) {
      RowFeed.Slice fed = feed.take(cursor, high, limit);
      if (fed != null) {
        rows = fed.rows();
        high = fed.coveredUpTo();
        rt.metrics().fed(rows.size());
      } else {
        rows = reads.rows(cursor, high, limit);
        rt.metrics().readBack(rows.size());
      }
    }
    oldestUnapplied = rows.isEmpty() ? Long.MAX_VALUE : rows.get(0).receivedAt();
    prefetch(b, rows, now, limit);
    long upTo = cursor;
    boolean stoppedEarly = false;
    for (LogEntry row : rows) {
      PartitionReads.Marker marker = null;
      if (row.mergeFrom() != null) {
        marker = reads.marker(row);
        if (marker != null && marker.partition() != partition) {
          if (rt.progress().mark(marker.partition()) < marker.seq()) {
            if (b.inputs > 0) {
              // Commit first: a writer waiting on another must have committed all before.
              stoppedEarly = true;
              break;
            }
            if (!rt.progress().awaitMark(marker.partition(), marker.seq(), rt::stopping)) {
              throw new Halted();
            }
          }
        }
      }
      long at = Math.max(clock, row.timestamp());
      if (!fireTimers(b, Math.min(at, now), limit, isolate) || b.inputs >= limit) {
        stoppedEarly = true;
        break;
      }
      apply(b, row, marker, isolate && b.inputs == 0);
      upTo = row.seq();
      if (InputRow.ERASE.equals(row.type())) {
        // An erasure removes the profile's rows: nothing after it may share its transaction.
        stoppedEarly = true;
        break;
      }
    }
    if (!stoppedEarly && rows.size() < limit) {
      upTo = Math.max(upTo, high);
      fireTimers(b, now, limit, isolate);
    }
    if (b.inputs == 0) {
      // Nothing to write: the cursor moves in memory and is stored with the next batch.
      batch = null;
      cursor = Math.max(cursor, upTo);
      return false;
    }
    commit(b, upTo, isolate);
    return true;
  }

  /**
   * Fires the window's timers due at or before {@code until}, soonest first.
   *
   * @return false when the batch must end here: it is full, or the window ran dry while the store
   *     may hold more timers due before the next input
   */
  private boolean fireTimers(Batch b, long until, int limit, boolean isolate) {
    while (true) {
      PendingTimer t = window.peek();
      if (t == null) {
        return window.complete();
      }
      if (t.due() > until) {
        return true;
      }
      if (b.inputs >= limit) {
        return false;
      }
      window.poll();
      applyTimer(b, t, isolate && b.inputs == 0);
    }
  }

  /**
   * Writes and commits the batch.
   *
   * @param isolated whether the batch is one input applied apart: if its state cannot be stored,
   *     the input is set apart instead of failing the batch
   */
  private void commit(Batch b, long upTo, boolean isolated) {
    long now = rt.clock().millis();
    List<ProfileRow> rows = encode(b, isolated && b.inputs == 1);
    long started = System.nanoTime();
    long clockAfter = clock;
    // Unforced: every input of the batch is on disk in the log, and the batch is deterministic,
    // so a power loss that undoes this commit only makes the writer apply the same inputs again.
    // Nothing of it leaves the process before a forced commit: the dispatcher claims a message in
    // one, and forcing the store's log forces every commit before it. An erasure is forced,
    // because its caller is told it is done once it is applied.
    boolean forced = !b.erasures.isEmpty();
    // Where each profile's timeline goes on from: what the batch holds was committed.
    Map<ProfileKey, Long> committedHeads = new HashMap<>(b.goneHeads);
    for (CachedProfile p : b.touched.values()) {
      committedHeads.put(p.key, p.timelineHead);
    }
    Database.Kind kind = rt.database().kind();
    BatchWriter.Written counts =
        rt.database()
            .transaction(
                forced,
                c -> {
                  BatchWriter.Written tc =
                      BatchWriter.write(
                          c, kind, partition, b, rows, committedHeads, upTo, clockAfter, now);
                  rt.commitHook().beforeCommit(partition, upTo);
                  if (rt.halted()) {
                    throw new Halted();
                  }
                  return tc;
                });
    // The decision counts from the event's arrival to this commit: after it, not from the start.
    rt.metrics().committed(b, System.nanoTime() - started, rt.clock().millis());
    batch = null;
    profiles.afterCommit(b, counts.heads());
    cursor = upTo;
    if (timersCounted) {
      pendingTimers.addAndGet(counts.inserted() - counts.deleted());
    }
    if (upTo >= rt.committedSeq()) {
      oldestUnapplied = Long.MAX_VALUE;
    }
    rt.progress().advanced(partition, upTo);
    if (!b.outbox.isEmpty()) {
      rt.outboxWritten();
    }
  }

  private List<ProfileRow> encode(Batch b, boolean setApart) {
    List<ProfileRow> rows = new ArrayList<>(b.dirty.size());
    for (CachedProfile p : b.dirty.values()) {
      Profile pr = p.state.profile();
      StateCodec.Encoded state;
      try {
        state = rt.stateFormat().encode(p.state, p.engine);
      } catch (IllegalArgumentException e) {
        if (!setApart) {
          throw new Unencodable(p.key, e);
        }
        log.error(
            "partition {}: the state of {} cannot be stored; input set apart", partition, p.key, e);
        setApart(b, p.key, e);
        return List.of();
      }
      // Read by the cache only after the commit; a failed batch evicts every profile it touched.
      p.heapBytes = state.heapBytes();
      rows.add(
          new ProfileRow(
              p.key.workspace(),
              p.key.id(),
              pr.userId(),
              JsonValues.write(pr.traits()),
              state.bytes(),
              p.mergedInto,
              p.stored && Objects.equals(p.storedUserId, pr.userId()),
              p.timelineHead));
    }
    return rows;
  }

  /**
   * Keeps of a one-input batch only what moves past the input (the cursor, the fired timer's
   * deletion) and an error in the timeline; the profiles it changed stay as committed.
   */
  private void setApart(Batch b, ProfileKey key, RuntimeException e) {
    // The one input's log row, if it was one applied to this profile: the error row names it, so
    // erasure and the timeline API still find the event when every other row is dropped.
    Long seq = null;
    for (TimelineRow t : b.timeline) {
      if (t.namesInputOf(key.workspace(), key.id())) {
        seq = t.inputSeq();
        break;
      }
    }
    for (ProfileKey k : b.touched.keySet()) {
      profiles.evict(k);
    }
    b.touched.clear();
    b.dirty.clear();
    b.deleted.clear();
    b.outbox.clear();
    b.timeline.clear();
    if (!b.newTimers.isEmpty()) {
      b.newTimers.clear();
      window.drop();
    }
    b.timeline.add(
        EffectRows.note(
            key.workspace(),
            key.id(),
            clock,
            "error",
            seq,
            Map.of("reason", "the input's outcome cannot be stored and was set apart: " + e)));
  }

  // ---- inputs ----------------------------------------------------------------------------------

  private void apply(Batch b, LogEntry row, PartitionReads.Marker marker, boolean isolate) {
    int mark = b.timeline.size();
    int outbox = b.outbox.size();
    int timers = b.newTimers.size();
    b.inputs++;
    try {
      switch (row.type()) {
        case InputRow.MERGE_OUT -> mergeOut(b, row);
        case InputRow.TRIGGER -> trigger(b, row);
        case InputRow.ERASE -> erase(b, row);
        default -> event(b, row, marker);
      }
    } catch (Halted | StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!isolate) {
        throw new PoisonInput(b.inputs - 1, e);
      }
      log.error("partition {}: events row {} failed and is skipped", partition, row.seq(), e);
      undo(b, new ProfileKey(row.workspace(), row.profile()), mark, outbox, timers);
      b.timeline.add(
          EffectRows.note(
              row.workspace(),
              row.profile(),
              clock,
              "error",
              row.seq(),
              Map.of("reason", "the input failed and was skipped: " + e)));
    }
    if (!InputRow.ERASE.equals(row.type()) && !names(b.timeline, mark, row)) {
      // The profile's index into the log (there is none on events): erasure and the timeline API
      // find its events through the timeline rows that name them. An input that caused none gets
      // a row of its own; one that did needs no other (a quarter of all timeline rows less).
      b.timeline.add(EffectRows.applied(row.workspace(), row.profile(), clock, row.seq()));
    }
  }

  /** Whether a timeline row of the batch from {@code from} on names {@code row} on its profile. */
  private static boolean names(List<TimelineRow> timeline, int from, LogEntry row) {
    for (int i = from; i < timeline.size(); i++) {
      TimelineRow t = timeline.get(i);
      if (t.namesInputOf(row.workspace(), row.profile()) && t.inputSeq() == row.seq()) {
        return true;
      }
    }
    return false;
  }

  private void applyTimer(Batch b, PendingTimer t, boolean isolate) {
    int mark = b.timeline.size();
    int outbox = b.outbox.size();
    int timers = b.newTimers.size();
    b.inputs++;
    b.timers++;
    b.firedTimers.add(t.id());
    clock = Math.max(clock, t.due());
    ProfileKey key = new ProfileKey(t.workspace(), t.timer().profile());
    try {
      WorkspaceEngine we = engine(b, t.workspace());
      CachedProfile p = profiles.load(b, key, we);
      if (p == null || p.mergedInto != null) {
        return; // the profile was merged into another or erased: its timers are stale
      }
      we.engine().onTimer(p.state, t.timer(), clock, new Sink(b, t.workspace(), null));
      b.changed(p);
    } catch (Halted | StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!isolate) {
        throw new PoisonInput(b.inputs - 1, e);
      }
      log.error("partition {}: timer {} failed and is dropped", partition, t, e);
      undo(b, key, mark, outbox, timers);
      b.timeline.add(
          EffectRows.note(
              t.workspace(),
              key.id(),
              clock,
              "error",
              null,
              Map.of(
                  "reason",
                  "a " + t.timer().kind() + " timer failed and was dropped: " + e,
                  "timer",
                  t.timer().key())));
    }
  }

  /** Forgets what a failed input did: its profile's in-memory state and the rows it added. */
  private void undo(Batch b, ProfileKey key, int timeline, int outbox, int timers) {
    b.touched.remove(key);
    b.dirty.remove(key);
    profiles.evict(key);
    b.timeline.subList(timeline, b.timeline.size()).clear();
    b.outbox.subList(outbox, b.outbox.size()).clear();
    List<PendingTimer> added = b.newTimers.subList(timers, b.newTimers.size());
    if (!added.isEmpty()) {
      window.drop(); // simpler than picking them out; reloaded after the commit
      added.clear();
    }
  }

  private void event(Batch b, LogEntry row, PartitionReads.Marker marker) {
    WorkspaceEngine we = engine(b, row.workspace());
    Engine engine = we.engine();
    Event e = parse(row);
    long now = Math.max(clock, row.timestamp());
    clock = now;
    if (e == null) {
      return;
    }
    CachedProfile p = profiles.loadOrCreate(b, new ProfileKey(row.workspace(), row.profile()), we);
    Sink sink = new Sink(b, row.workspace(), row.seq());
    if (row.mergeFrom() != null) {
      merge(b, p, row, marker, we, now, sink);
    }
    b.events++;
    b.received.add(row.receivedAt());
    if (row.receivedAt() - row.timestamp() > settings.pastTolerance().toMillis()) {
      engine.onHistoricalEvent(p.state, e, now, sink);
      b.timeline.add(
          EffectRows.note(
              row.workspace(),
              row.profile(),
              now,
              "historical",
              row.seq(),
              Map.of(
                  "event",
                  e.name(),
                  "timestamp",
                  row.timestamp(),
                  "reason",
                  "the event happened more than "
                      + settings.pastTolerance()
                      + " before it arrived: the profile took it in, no journey acted on it")));
    } else {
      engine.onEvent(p.state, e, now, sink);
    }
    b.changed(p);
  }

  /**
   * Merges the anonymous profile {@code row.mergeFrom()} into {@code target}, as the simulator's
   * {@code link} does. The source's writer has applied the merge marker (the barrier in {@link
   * #step} waited for it), so its stored state is final; its row is deleted with this batch.
   */
  private void merge(
      Batch b,
      CachedProfile target,
      LogEntry row,
      PartitionReads.Marker marker,
      WorkspaceEngine we,
      long now,
      Sink sink) {
    ProfileKey sourceKey = new ProfileKey(row.workspace(), row.mergeFrom());
    if (sourceKey.equals(target.key)) {
      return;
    }
    CachedProfile source;
    if (marker == null || marker.partition() == partition) {
      source = profiles.load(b, sourceKey, we);
    } else {
      // Another partition's profile: read the committed state, never that writer's cache.
      source = profiles.committed(sourceKey, we);
    }
    if (source == null) {
      log.warn("partition {}: merge of {} into {}: no such profile", partition, sourceKey, target);
      return;
    }
    we.engine().merge(target.state, source.state, now, sink);
    b.gone(sourceKey);
    b.goneHeads.put(sourceKey, source.timelineHead);
    b.deleted.add(sourceKey);
    b.merges++;
    TimelineRow merged =
        EffectRows.note(
            row.workspace(),
            target.key.id(),
            now,
            "merged",
            row.seq(),
            Map.of(
                "from",
                sourceKey.id(),
                "reason",
                "anonymous profile '" + sourceKey.id() + "' is this customer: merged in"));
    b.timeline.add(merged);
    // The absorbed profile's rows stay under its id; the target's chain reaches them from here.
    b.branches.put(merged, sourceKey);
  }

  private void mergeOut(Batch b, LogEntry row) {
    clock = Math.max(clock, row.timestamp());
    WorkspaceEngine we = engine(b, row.workspace());
    CachedProfile p = profiles.load(b, new ProfileKey(row.workspace(), row.profile()), we);
    if (p != null) {
      // Frozen from here on: the target's writer takes the state; this one ignores its timers.
      p.mergedInto = row.name();
      b.changed(p);
    }
  }

  @SuppressWarnings("unchecked")
  private void trigger(Batch b, LogEntry row) {
    long now = Math.max(clock, row.timestamp());
    clock = now;
    b.triggers++;
    Map<String, Object> body;
    try {
      body = JsonValues.MAPPER.readValue(row.body(), Map.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("trigger row " + row.seq() + ": body is not JSON", e);
    }
    Object data = body.get("data");
    Map<String, Object> props =
        data instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : Map.of();
    WorkspaceEngine we = engine(b, row.workspace());
    CachedProfile p = profiles.loadOrCreate(b, new ProfileKey(row.workspace(), row.profile()), we);
    try {
      we.engine().trigger(p.state, row.name(), props, now, new Sink(b, row.workspace(), row.seq()));
    } catch (IllegalArgumentException e) {
      // The journey was removed or changed its trigger since the call was accepted.
      b.timeline.add(
          EffectRows.note(
              row.workspace(),
              row.profile(),
              now,
              "error",
              row.seq(),
              Map.of("journey", row.name(), "reason", "trigger not applied: " + e.getMessage())));
      return;
    }
    b.changed(p);
  }

  private void erase(Batch b, LogEntry row) {
    ProfileKey key = new ProfileKey(row.workspace(), row.profile());
    CachedProfile p = profiles.load(b, key, engine(b, row.workspace()));
    Set<String> ids = new LinkedHashSet<>();
    ids.add(row.profile());
    if (p != null) {
      ids.addAll(p.state.profile().anonymousIds());
    }
    String actor = "unknown";
    try {
      Object a = JsonValues.MAPPER.readValue(row.body(), Map.class).get("actor");
      if (a instanceof String s && !s.isBlank()) {
        actor = s;
      }
    } catch (IOException e) {
      // The actor is only for the audit record; the erasure happens regardless.
    }
    b.gone(key);
    if (p != null) {
      b.goneHeads.put(key, p.timelineHead);
    }
    // The erasure ends the batch, so every timer the batch set for these profiles was set before
    // it: none is stored. The window forgets them too (reloaded from the store after the commit),
    // so none can fire on a profile created again under the same id.
    b.newTimers.removeIf(
        t -> t.workspace().equals(row.workspace()) && ids.contains(t.timer().profile()));
    window.drop();
    List<PartitionReads.TimerKey> stored = reads.timersOf(row.workspace(), ids);
    b.erasures.add(
        new Erasure(row.workspace(), row.profile(), row.seq(), actor, List.copyOf(ids), stored));
  }

  private Event parse(LogEntry row) {
    EventParser.Result r = parser.parse(row.body(), 0, row.body().length);
    if (r instanceof EventParser.Result.Parsed parsed) {
      Event e = parsed.event();
      // The log's timestamp is the authority: ingestion corrected it for clock skew and limits.
      return new Event(
          e.type(),
          e.messageId(),
          e.userId(),
          e.anonymousId(),
          row.timestamp(),
          e.name(),
          e.properties(),
          e.traits(),
          e.context(),
          e.previousId(),
          e.groupId());
    }
    EventParser.Result.Invalid invalid = (EventParser.Result.Invalid) r;
    log.warn(
        "partition {}: events row {} is not a valid message: {}", partition, row.seq(), invalid);
    batch.timeline.add(
        EffectRows.note(
            row.workspace(),
            row.profile(),
            clock,
            "error",
            row.seq(),
            Map.of("reason", "the stored message is not valid: " + invalid)));
    return null;
  }

  // ---- profiles ------------------------------------------------------------------------------

  private WorkspaceEngine engine(Batch b, String workspace) {
    return b.engines.computeIfAbsent(workspace, rt.engines()::get);
  }

  /** Reads the states the batch will need (its rows' and due timers' profiles) in a few queries. */
  private void prefetch(Batch b, List<LogEntry> rows, long now, int limit) {
    Map<String, Set<String>> wanted = new LinkedHashMap<>();
    for (LogEntry r : rows) {
      wanted.computeIfAbsent(r.workspace(), k -> new LinkedHashSet<>()).add(r.profile());
    }
    for (PendingTimer t : window.dueBy(now, limit)) {
      wanted.computeIfAbsent(t.workspace(), k -> new LinkedHashSet<>()).add(t.timer().profile());
    }
    wanted.forEach((ws, ids) -> profiles.prefetch(b, ws, ids, engine(b, ws)));
  }

  private void loadWindow() {
    window.load(reads.soonestTimers(window.capacity()));
  }

  // ---- effects ---------------------------------------------------------------------------------

  /** Where the engine's decisions for one input go: rows of the batch, timers into the window. */
  private final class Sink implements Effects {
    private final Batch b;
    private final String workspace;
    private final Long seq;

    Sink(Batch b, String workspace, Long seq) {
      this.b = b;
      this.workspace = workspace;
      this.seq = seq;
    }

    @Override
    public void emit(Effect effect) {
      TimelineRow row = EffectRows.timeline(workspace, effect, seq);
      b.timeline.add(row);
      b.counts.add(row, effect);
      OutboxRow o = EffectRows.outbox(workspace, effect);
      if (o != null) {
        b.outbox.add(o);
      }
    }

    @Override
    public void schedule(Timer timer) {
      PendingTimer t = new PendingTimer(nextTimerId++, workspace, timer);
      b.newTimers.add(t);
      window.add(t);
    }
  }

  /** The runtime was halted (a crash emulated): abandon the batch, commit nothing. */
  static final class Halted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Halted() {
      super("halted", null, false, false);
    }
  }

  /** A state changed by the batch cannot be encoded: the batch is redone an input at a time. */
  private static final class Unencodable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unencodable(ProfileKey key, IllegalArgumentException cause) {
      super("the state of " + key + " cannot be stored", cause);
    }
  }

  /** An input of the batch threw: the batch is redone without it first. */
  private static final class PoisonInput extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int index;

    PoisonInput(int index, RuntimeException cause) {
      super("input " + index + " failed", cause);
      this.index = index;
    }
  }

  int partition() {
    return partition;
  }
}
