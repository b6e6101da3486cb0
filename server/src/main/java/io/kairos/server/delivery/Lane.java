package io.kairos.server.delivery;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One channel's bulkhead: its own threads, its own bound on attempts in flight, and its own rate
 * limit (a token bucket on the dispatcher's clock). A provider that hangs fills only its lane.
 */
final class Lane {
  private final String channel;
  private final ExecutorService threads;
  private final int capacity;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Bucket bucket;

  Lane(String channel, int threads, int capacity, Double ratePerSecond, InstantSource clock) {
    this.channel = channel;
    this.capacity = capacity;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "kairos-send-" + channel + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.bucket = ratePerSecond == null ? null : bucket(ratePerSecond, clock);
  }

  private static Bucket bucket(double perSecond, InstantSource clock) {
    long tokens = Math.max(1, (long) Math.ceil(perSecond));
    Duration period = Duration.ofNanos((long) (tokens / perSecond * 1e9));
    TimeMeter time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return TimeUnit.MILLISECONDS.toNanos(clock.millis());
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(tokens).refillGreedy(tokens, period))
        .withCustomTimePrecision(time)
        .build();
  }

  String channel() {
    return channel;
  }

  /** How many more attempts it takes now. */
  int free() {
    return Math.max(0, capacity - inFlight.get());
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Takes a send permit from the rate limit; false when none is left now. */
  boolean tryTake() {
    return bucket == null || bucket.tryConsume(1);
  }

  /** How long until the rate limit gives the next permit, in ms (0 when one is there). */
  long millisToNextPermit() {
    if (bucket == null) {
      return 0;
    }
    long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
    return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  void run(Runnable attempt) {
    inFlight.incrementAndGet();
    threads.execute(attempt);
  }

  /** Called when an attempt was recorded: frees its place. */
  void done() {
    inFlight.decrementAndGet();
  }

  void shutdown() {
    threads.shutdown();
  }

  boolean awaitTermination(Duration limit) throws InterruptedException {
    return threads.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
  }
}
