package io.kairos.serve;

import io.kairos.serve.TrackingLoad.Batch;
import io.kairos.serve.TrackingLoad.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Client threads that post random batches to one server until told to stop, or until a request of
 * theirs gets no answer (the server is gone). Every request is recorded with its outcome and when
 * it was sent and answered.
 */
final class Senders {
  /** One request: the batch, what came back, and when (System.nanoTime) it was sent and ended. */
  record Sent(Batch batch, Outcome outcome, long sentAt, long endedAt) {}

  private final List<Sent> sent = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch acknowledged;
  private volatile boolean stop;

  /**
   * Starts {@code threads} senders, each with its own {@link Random} from {@code seed}; batch ids
   * are {@code prefix-tN-bM}.
   *
   * @param acknowledgements how many 200s {@link #awaitAcknowledged} waits for
   */
  Senders(
      TrackingLoad.Client client,
      int threads,
      long seed,
      String prefix,
      int customers,
      int acknowledgements) {
    this.acknowledged = new CountDownLatch(acknowledgements);
    for (int t = 0; t < threads; t++) {
      Random rnd = new Random(seed * 1_000 + t);
      String name = prefix + "-t" + t;
      Thread thread =
          new Thread(
              () -> {
                for (int b = 0; !stop; b++) {
                  Batch batch = TrackingLoad.batch(rnd, name + "-b" + b, customers, 20, 60);
                  long at = System.nanoTime();
                  Outcome o;
                  try {
                    o = client.post(batch);
                  } catch (InterruptedException e) {
                    return;
                  }
                  synchronized (sent) {
                    sent.add(new Sent(batch, o, at, System.nanoTime()));
                  }
                  if (o.acknowledged()) {
                    acknowledged.countDown();
                  }
                  if (o.unanswered()) {
                    return; // the server is gone
                  }
                }
              },
              name);
      thread.setDaemon(true);
      this.threads.add(thread);
    }
    this.threads.forEach(Thread::start);
  }

  /** Waits (at most {@code limit}) until the requests have had the 200s asked for. */
  boolean awaitAcknowledged(Duration limit) throws InterruptedException {
    return acknowledged.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks the threads to stop after their current request and waits for them. */
  void stop(Duration limit) throws InterruptedException {
    stop = true;
    awaitEnded(limit);
  }

  /** Waits for every thread to end (they end by themselves once a request goes unanswered). */
  void awaitEnded(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " still sending after " + limit);
      }
    }
  }

  List<Sent> sent() {
    synchronized (sent) {
      return List.copyOf(sent);
    }
  }
}
