package io.kairos.server.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database file on a thread of its own, so no commit
 * pays for a checkpoint. SQLite's automatic checkpoint runs inside the commit that crosses the
 * threshold, while that writer (and everyone queued behind it) waits; the connections of the pool
 * have it turned off and this thread runs a {@code PASSIVE} checkpoint, which never blocks a
 * writer, at most every {@link #PACE_MILLIS} while commits happen.
 *
 * <p>The log only starts over from its beginning after a checkpoint that copied all of it while no
 * reader used it, which a passive checkpoint under constant reads never sees: once the log passes
 * {@link #RESTART_PAGES} and is wholly copied, the checkpointer takes the store's write lock for a
 * {@code RESTART} (a wait for the readers on the log, at most {@link #READER_WAIT_MILLIS}: a long
 * read makes it give up until the next round instead of holding every writer). If the log grows
 * past {@link #TRUNCATE_PAGES} anyway (a reader kept passive checkpoints from finishing), it
 * truncates it under the lock, so the log is bounded whatever the readers do.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

  /** Least time between two checkpoints: pages written again meanwhile are copied once. */
  static final long PACE_MILLIS = 100;

  /**
   * A log this long (in pages), once wholly copied, is restarted under the write lock: 1 GB of 4 KB
   * pages. With readers always about, a passive checkpoint copies the frames but the log never
   * starts over by itself; it would grow until {@link #TRUNCATE_PAGES}. A restart stops every
   * writer for about 100 ms under load whatever the log's length (it copies and syncs what was
   * committed since the last passive checkpoint), so the longer the log, the rarer the stops
   * (decisions.md, 34).
   */
  static final long RESTART_PAGES = 262_144;

  /** A log this long (in pages) is truncated under the write lock: 4 GB of 4 KB pages. */
  static final long TRUNCATE_PAGES = 1_048_576;

  /** The longest a restart holding the write lock waits for the readers on the log. */
  static final int READER_WAIT_MILLIS = 50;

  private final long restartPages;
  private final long truncatePages;
  private final AtomicLong restarts = new AtomicLong();
  private final AtomicLong restartsGivenUp = new AtomicLong();
  private final AtomicLong lockHeldNanos = new AtomicLong();
  private final Supplier<Connection> connect;
  private final ReentrantLock writeLock;
  private final ReentrantLock signalLock = new ReentrantLock();
  private final Condition committed = signalLock.newCondition();
  private final Condition checkpointed = signalLock.newCondition();
  private volatile boolean dirty;
  private volatile boolean closed;
  private long checkpoints;
  private final Thread thread;

  /**
   * @param connect opens the checkpointer's own connection (not one of the pool's)
   * @param writeLock the lock every write transaction of this process holds
   */
  WalCheckpointer(Supplier<Connection> connect, ReentrantLock writeLock) {
    this(connect, writeLock, RESTART_PAGES, TRUNCATE_PAGES);
  }

  /** With other thresholds, for tests. */
  WalCheckpointer(
      Supplier<Connection> connect,
      ReentrantLock writeLock,
      long restartPages,
      long truncatePages) {
    this.restartPages = restartPages;
    this.truncatePages = truncatePages;
    this.connect = connect;
    this.writeLock = writeLock;
    this.thread = new Thread(this::run, "kairos-wal-checkpointer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Called after every commit: there are frames to copy. Cheap when already known. */
  void committed() {
    if (dirty) {
      return;
    }
    dirty = true;
    wake();
  }

  private void wake() {
    signalLock.lock();
    try {
      committed.signal();
    } finally {
      signalLock.unlock();
    }
  }

  private void run() {
    try (Connection c = connect.get();
        Statement st = c.createStatement()) {
      // How long a RESTART or TRUNCATE, holding the write lock, waits for readers to leave.
      st.execute("PRAGMA busy_timeout = " + READER_WAIT_MILLIS);
      while (!closed) {
        signalLock.lock();
        try {
          while (!dirty && !closed) {
            committed.await();
          }
        } finally {
          signalLock.unlock();
        }
        if (closed) {
          break;
        }
        dirty = false;
        long[] passive = checkpoint(st, "PASSIVE");
        long pages = passive[1];
        if (pages >= restartPages && passive[2] >= pages) {
          // Everything is copied: under the lock no frame is added, so the restart only copies
          // what was committed since and waits for the readers still on the log, at most the
          // connection's busy timeout; a long read makes it give up until the next round rather
          // than hold every writer.
          if (underLock(st, "RESTART")) {
            restarts.incrementAndGet();
          } else {
            restartsGivenUp.incrementAndGet();
          }
        } else if (pages > truncatePages) {
          log.info("write-ahead log at {} pages: truncating it", pages);
          if (!underLock(st, "TRUNCATE")) {
            log.warn("write-ahead log at {} pages: a reader keeps it from being truncated", pages);
          }
        }
        signalLock.lock();
        try {
          checkpoints++;
          checkpointed.signalAll();
        } finally {
          signalLock.unlock();
        }
        // Paced by the commits it serves: one checkpoint per interval at most.
        TimeUnit.MILLISECONDS.sleep(PACE_MILLIS);
      }
      checkpoint(st, "PASSIVE");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      // The store keeps working without it: SQLite checkpoints when the last connection closes.
      log.error("WAL checkpointer stopped", e);
    }
  }

  /**
   * Waits until a checkpoint has begun and ended after this call, for tests.
   *
   * @return whether one did within {@code millis}
   */
  boolean awaitNextCheckpoint(long millis) throws InterruptedException {
    signalLock.lock();
    try {
      // The one running now may have begun before the caller's commits: wait for the one after it.
      long target = checkpoints + 2;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (checkpoints < target) {
        dirty = true;
        committed.signal();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        checkpointed.awaitNanos(left);
      }
      return true;
    } finally {
      signalLock.unlock();
    }
  }

  /** Runs {@code mode} holding the write lock; whether it completed. */
  private boolean underLock(Statement st, String mode) throws SQLException {
    writeLock.lock();
    long taken = System.nanoTime();
    try {
      return checkpoint(st, mode)[0] == 0;
    } finally {
      writeLock.unlock();
      lockHeldNanos.addAndGet(System.nanoTime() - taken);
    }
  }

  /**
   * Runs one checkpoint: {busy (1: it could not complete), the log's length in pages, how many of
   * them are copied}.
   */
  private static long[] checkpoint(Statement st, String mode) throws SQLException {
    try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      return rs.next()
          ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}
          : new long[] {1, 0, 0};
    }
  }

  /** Time the restarts and truncations held the write lock, in total. */
  double lockHeldSeconds() {
    return lockHeldNanos.get() / 1e9;
  }

  /** Restarts of the log done, for tests and logs. */
  long restarts() {
    return restarts.get();
  }

  /** Restarts given up because a reader stayed on the log past the busy timeout. */
  long restartsGivenUp() {
    return restartsGivenUp.get();
  }

  @Override
  public void close() {
    closed = true;
    wake();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
