package io.kairos.server.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * How far each partition has got, for the merge barrier and for {@link LiveRuntime#awaitIdle}: its
 * mark (every row of the partition up to it is applied and committed) and the last moment it found
 * nothing to do (every row up to {@code idleSeq} applied, every timer due at {@code idleClock}
 * fired). Waiters block on a condition that every change signals; nobody polls.
 */
final class Progress {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final long[] marks;
  private final long[] idleSeq;
  private final long[] idleClock;
  private boolean closed;
  private int waiting;

  Progress(int partitions) {
    marks = new long[partitions];
    idleSeq = new long[partitions];
    idleClock = new long[partitions];
    java.util.Arrays.fill(idleSeq, -1);
    java.util.Arrays.fill(idleClock, Long.MIN_VALUE);
  }

  /** Partition {@code p} committed (or scanned without finding rows) up to {@code seq}. */
  void advanced(int p, long seq) {
    lock.lock();
    try {
      if (seq > marks[p]) {
        marks[p] = seq;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Partition {@code p} has nothing to do with the log up to {@code seq} at clock {@code now}. */
  void idle(int p, long seq, long now) {
    lock.lock();
    try {
      marks[p] = Math.max(marks[p], seq);
      idleSeq[p] = Math.max(idleSeq[p], seq);
      idleClock[p] = Math.max(idleClock[p], now);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long mark(int p) {
    lock.lock();
    try {
      return marks[p];
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until partition {@code p} is at {@code seq} or beyond.
   *
   * @return false when {@code stop} said to give up (the runtime is stopping)
   */
  boolean awaitMark(int p, long seq, BooleanSupplier stop) throws InterruptedException {
    lock.lock();
    try {
      waiting++;
      changed.signalAll();
      while (marks[p] < seq) {
        if (closed || stop.getAsBoolean()) {
          return false;
        }
        // The stop flag is raised together with a signal; the timeout is only a safety net.
        changed.await(1, TimeUnit.SECONDS);
      }
      return true;
    } finally {
      waiting--;
      lock.unlock();
    }
  }

  /**
   * Waits until partition {@code p} is at {@code seq} or beyond, at most {@code nanos}.
   *
   * @return false when the time ran out first or the runtime stopped
   */
  boolean awaitMark(int p, long seq, long nanos) throws InterruptedException {
    lock.lock();
    try {
      while (marks[p] < seq) {
        if (nanos <= 0 || closed) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** For tests: waits until {@code n} writers wait at a merge barrier. */
  boolean awaitBarrierWaiters(int n, long nanos) throws InterruptedException {
    lock.lock();
    try {
      while (waiting < n) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every partition has reported idle at {@code seq} and {@code now} or later.
   *
   * @return false when {@code nanos} ran out first
   */
  boolean awaitIdle(long seq, long now, long nanos) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        boolean all = true;
        for (int p = 0; p < marks.length && all; p++) {
          all = idleSeq[p] >= seq && idleClock[p] >= now;
        }
        if (all) {
          return true;
        }
        if (nanos <= 0 || closed) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Lowest mark over the partitions. */
  long minMark() {
    lock.lock();
    try {
      long m = Long.MAX_VALUE;
      for (long x : marks) {
        m = Math.min(m, x);
      }
      return m;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter for good: the runtime stopped. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
