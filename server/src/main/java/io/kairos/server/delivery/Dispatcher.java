package io.kairos.server.delivery;

import io.kairos.channel.Channel;
import io.kairos.server.Capability;
import io.kairos.server.ingest.EventLog;
import io.kairos.server.store.Database;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the outbox and delivers: per channel ({@link Lane}), it takes the rows that are due,
 * records the attempt ({@code sending}, attempts + 1) before making it, has a {@link Courier} take
 * each to its channel, and records the outcome together with its report event in one transaction of
 * the event log's writer ({@link EventLog#append(List, io.kairos.server.store.SqlWork)}).
 *
 * <p>Never twice: a row is sent only after its claim committed, and settled only together with its
 * report. The claim's commit is forced to disk, and with it the runtime's unforced commit that
 * wrote the row: a power loss never undoes a decision whose message went out. A crash between the
 * claim and the settlement leaves the row {@code sending}; the next start treats that attempt as
 * ambiguous and retries it with the same message id (the SMTP Message-ID, the HTTP Idempotency-Key,
 * the webhook id), so a provider that honours the id drops the copy, and any other receives at most
 * one duplicate per crash. See docs/delivery.md.
 */
public final class Dispatcher implements Capability {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** The channels a journey may send on, each with its own lane. */
  public static final List<String> CHANNELS = List.of("email", "sms", "push", "webhook", "inbox");

  private static final int RECORD_BATCH = 500;

  private final DeliverySettings settings;
  private final OutboxStore store;
  private final EventLog eventLog;
  private final Courier courier;
  private final Reports reports;
  private final InstantSource clock;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signal = lock.newCondition();
  private final Condition recordedSignal = lock.newCondition();
  private final AtomicLong recorded = new AtomicLong();
  private boolean signalled;
  private volatile boolean running;
  private Thread scheduler;
  private Thread recorder;

  private record Done(OutboxMessage message, Lane lane, Reports.Recorded recorded) {}

  Dispatcher(
      DeliverySettings settings,
      Database db,
      EventLog eventLog,
      Recipients recipients,
      Composer composer,
      Map<String, Channel> channels,
      InstantSource clock) {
    this.settings = settings;
    this.store = new OutboxStore(db);
    this.eventLog = eventLog;
    this.clock = clock;
    this.reports = new Reports(settings);
    this.courier =
        new Courier(
            recipients,
            composer,
            channels::get,
            new ProviderLimits(settings.providerRates()),
            clock);
    for (String c : CHANNELS) {
      lanes.put(
          c,
          new Lane(
              c, settings.threads(), settings.inFlight(), settings.ratePerSecond().get(c), clock));
    }
  }

  @Override
  public void start() {
    if (!settings.enabled() || running) {
      return;
    }
    int recovered = store.recover(clock.millis());
    if (recovered > 0) {
      log.warn(
          "{} messages had an attempt in flight when the server stopped; their results are unknown"
              + " and they are retried with the same ids",
          recovered);
    }
    running = true;
    scheduler = new Thread(this::schedule, "kairos-dispatcher");
    scheduler.setDaemon(true);
    recorder = new Thread(this::record, "kairos-dispatch-recorder");
    recorder.setDaemon(true);
    recorder.start();
    scheduler.start();
    log.info("dispatcher started: {} threads per channel", settings.threads());
  }

  @Override
  public boolean ready() {
    return !settings.enabled() || running;
  }

  /** Looks at the outbox now (the runtime wrote rows, or a test moved the clock). */
  public void wake() {
    lock.lock();
    try {
      signalled = true;
      signal.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Outcomes recorded since start (for tests and metrics). */
  public long recorded() {
    return recorded.get();
  }

  /**
   * Waits until at least {@code n} outcomes have been recorded since start.
   *
   * @return false when {@code limit} passed first
   */
  public boolean awaitRecorded(long n, Duration limit) {
    long end = System.nanoTime() + limit.toNanos();
    lock.lock();
    try {
      while (recorded.get() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        recordedSignal.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Attempts claimed and not yet recorded. */
  public int inFlight() {
    int n = 0;
    for (Lane l : lanes.values()) {
      n += l.inFlight();
    }
    return n;
  }

  /**
   * Stops taking rows and waits (up to shutdown grace) for the attempts in flight to be recorded,
   * before the event log's writer stops: what is left in flight after that is retried, as
   * ambiguous, at the next start.
   */
  @Override
  public void stopAccepting() {
    if (!running) {
      return;
    }
    running = false;
    wake();
    Duration grace = settings.grace();
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      scheduler.join(Math.max(1, grace.toMillis()));
      for (Lane l : lanes.values()) {
        l.shutdown();
      }
      for (Lane l : lanes.values()) {
        l.awaitTermination(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
      done.add(STOP);
      recorder.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = inFlight();
    if (left > 0) {
      log.warn("dispatcher stopped with {} attempts unrecorded; retried at the next start", left);
    } else {
      log.info("dispatcher stopped: every attempt made is recorded");
    }
  }

  @Override
  public void stop() {
    stopAccepting();
  }

  private static final Done STOP = new Done(null, null, null);

  // ---- scheduling ------------------------------------------------------------------------------

  private void schedule() {
    while (running) {
      long waitMillis = settings.poll().toMillis();
      boolean more = false;
      try {
        long now = clock.millis();
        for (Lane lane : lanes.values()) {
          int free = lane.free();
          if (free == 0) {
            continue;
          }
          List<OutboxMessage> rows = store.due(lane.channel(), now, free);
          List<OutboxMessage> take = new ArrayList<>(rows.size());
          for (OutboxMessage m : rows) {
            if (!lane.tryTake()) {
              waitMillis = Math.min(waitMillis, lane.millisToNextPermit());
              break;
            }
            take.add(m);
          }
          if (take.isEmpty()) {
            continue;
          }
          more |= rows.size() == free && take.size() == rows.size();
          dispatch(lane, take, now);
        }
      } catch (RuntimeException e) {
        log.error("dispatcher: reading or claiming the outbox failed; trying again", e);
      }
      if (!more) {
        await(waitMillis);
      }
    }
  }

  private void dispatch(Lane lane, List<OutboxMessage> rows, long now) {
    boolean[] claimed = new boolean[rows.size()];
    try {
      eventLog.append(List.of(), OutboxStore.claim(rows, now, claimed)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      // Not committed (or not known to be): nothing is sent; the rows are looked at again.
      log.warn(
          "dispatcher: claiming {} {} messages failed: {}",
          rows.size(),
          lane.channel(),
          e.toString());
      return;
    }
    for (int i = 0; i < rows.size(); i++) {
      if (!claimed[i]) {
        continue; // erased, or settled by someone else meanwhile
      }
      OutboxMessage m = rows.get(i);
      int attempt = m.attempts() + 1;
      lane.run(
          () -> {
            Result r;
            try {
              r = courier.deliver(m, attempt);
            } catch (RuntimeException e) {
              log.error("message {}: delivery failed", m.messageId(), e);
              r = new Result.Error(e.toString());
            }
            done.add(new Done(m, lane, reports.of(m, attempt, r, clock.millis())));
          });
    }
  }

  private void await(long millis) {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
      while (!signalled && running && nanos > 0) {
        nanos = signal.awaitNanos(nanos);
      }
      signalled = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  // ---- recording ------------------------------------------------------------------------------

  private void record() {
    List<Done> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        group.add(done.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      done.drainTo(group, RECORD_BATCH - 1);
      if (group.remove(STOP)) {
        stop = true;
      }
      if (!group.isEmpty()) {
        commit(group);
      }
      group.clear();
    }
  }

  private void commit(List<Done> group) {
    List<Settlement> settled = new ArrayList<>(group.size());
    List<EventLog.LogEntry> reported = new ArrayList<>(group.size());
    for (Done d : group) {
      settled.add(d.recorded().settlement());
      reported.addAll(d.recorded().reports());
    }
    try {
      eventLog
          .append(reported, OutboxStore.settle(settled, clock.millis()))
          .get(60, TimeUnit.SECONDS);
      recorded.addAndGet(group.size());
      lock.lock();
      try {
        recordedSignal.signalAll();
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The rows stay 'sending': the next start retries them as ambiguous, with the same ids.
      log.error(
          "dispatcher: recording {} outcomes failed; those messages are retried at the next start",
          group.size(),
          e);
    } finally {
      for (Done d : group) {
        d.lane().done();
      }
      wake();
    }
  }
}
