package io.kairos.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for the tracking API: posts {@code /v1/batch} requests of Segment track events
 * (unique messageIds, users spread uniformly) to a running server and reports acknowledged events
 * per second and request latency percentiles.
 *
 * <p>Closed loop ({@code --rate 0}): each connection sends its next request when the previous one
 * is answered — the maximum throughput. Open loop ({@code --rate R}): requests are due at a fixed
 * pace of R events per second and latency is measured from when a request was <em>due</em>, not
 * when it was sent, so a stalled server cannot hide its queueing (no coordinated omission).
 *
 * <p>A request refused with 503 or 429 (the server's backlog is full) is sent again after a pause
 * that doubles from 10 ms up to 1 s, as Segment's libraries retry; its latency runs until the 200,
 * and {@code refused_then_resent} counts the refusals.
 *
 * <pre>
 * java -cp bench/target/kairos-bench.jar io.kairos.bench.IngestLoad --url http://127.0.0.1:8080
 *     --key KEY [--events 2000000] [--batch 100] [--connections 8] [--rate 0] [--users 100000]
 *     [--slow-ms 0] [--warmup REQUESTS]
 * </pre>
 *
 * <p>Before the measured run it sends {@code --warmup} requests as fast as it can (default: a tenth
 * of the run's, at most 200) to warm the server's JIT and connections. A run that follows another
 * on a warm server passes {@code --warmup 0}: the burst would otherwise land just before the paced
 * requests, and the server's own meters (the decision latency) would count it with them.
 */
public final class IngestLoad {
  private final URI uri;
  private final String auth;
  private final int batch;
  private final int users;
  // A run's messageIds differ from every other run's against the same server.
  private final long runSeed = System.nanoTime();
  private final AtomicLong nextEvent = new AtomicLong();
  private final long slowMillis;

  private IngestLoad(String url, String key, int batch, int users, long slowMillis) {
    this.slowMillis = slowMillis;
    this.uri = URI.create(url + "/v1/batch");
    this.auth = "Bearer " + key;
    this.batch = batch;
    this.users = users;
  }

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:8080";
    String key = null;
    long events = 2_000_000;
    int batch = 100;
    int connections = 8;
    long rate = 0;
    int users = 100_000;
    long slowMillis = 0;
    int warmup = -1;
    for (int i = 0; i < args.length; i += 2) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--url" -> url = v;
        case "--key" -> key = v;
        case "--events" -> events = Long.parseLong(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--connections" -> connections = Integer.parseInt(v);
        case "--rate" -> rate = Long.parseLong(v);
        case "--users" -> users = Integer.parseInt(v);
        case "--slow-ms" -> slowMillis = Long.parseLong(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("--key is required (an ingest key)");
    }
    new IngestLoad(url, key, batch, users, slowMillis).run(events, connections, rate, warmup);
  }

  /**
   * @param warmup requests sent unmeasured first; negative for the default
   */
  private void run(long events, int connections, long rate, int warmup) throws Exception {
    int requests = (int) (events / batch);
    long[] latencies = new long[requests];
    AtomicLong next = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong refusals = new AtomicLong();
    long intervalNanos = rate == 0 ? 0 : (long) (1e9 * batch / rate);
    // Warm up the server's JIT and connections; not measured.
    try (PlainHttpConnection warm = new PlainHttpConnection(uri, auth)) {
      int warmRequests = warmup < 0 ? Math.min(200, requests / 10) : warmup;
      for (int i = 0; i < warmRequests; i++) {
        send(warm, body());
      }
    }
    // Every body is encoded before the clock starts: the generator's own work is not what is
    // measured, and it shares the cores with the server.
    byte[][] bodies = new byte[requests][];
    for (int r = 0; r < requests; r++) {
      bodies[r] = body();
    }
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      running.add(
          pool.submit(
              () -> {
                try (PlainHttpConnection connection = new PlainHttpConnection(uri, auth)) {
                  for (long r = next.getAndIncrement(); r < requests; r = next.getAndIncrement()) {
                    byte[] body = bodies[(int) r];
                    bodies[(int) r] = null;
                    long due = rate == 0 ? System.nanoTime() : start + r * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    // As Segment's libraries do: a refusal (503, 429) is sent again after a
                    // growing pause; the latency runs until the 200.
                    long pause = 10_000_000L;
                    int status;
                    while ((status = send(connection, body)) == 503 || status == 429) {
                      refusals.incrementAndGet();
                      LockSupport.parkNanos(pause);
                      pause = Math.min(1_000_000_000L, pause * 2);
                    }
                    if (status != 200) {
                      failures.incrementAndGet();
                    }
                    latencies[(int) r] = System.nanoTime() - due;
                    if (slowMillis > 0 && latencies[(int) r] > slowMillis * 1_000_000L) {
                      System.err.printf(
                          Locale.ROOT,
                          "slow request at %s: %.0f ms%n",
                          java.time.LocalTime.now(),
                          latencies[(int) r] / 1e6);
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    Arrays.sort(latencies);
    double seconds = elapsed / 1e9;
    long acked = (long) (requests - failures.get()) * batch;
    System.out.printf(
        Locale.ROOT,
        "mode=%s events=%d batch=%d connections=%d seconds=%.2f acked_events_per_s=%.0f"
            + " failed_requests=%d refused_then_resent=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
        rate == 0 ? "closed" : "open@" + rate,
        acked,
        batch,
        connections,
        seconds,
        acked / seconds,
        failures.get(),
        refusals.get(),
        pct(latencies, 0.50),
        pct(latencies, 0.90),
        pct(latencies, 0.99),
        latencies[latencies.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }

  private static int send(PlainHttpConnection connection, byte[] body) {
    try {
      return connection.post(body);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static final String[] NAMES = {
    "Product Viewed", "Product Added", "Page Viewed", "Order Completed", "Email Opened"
  };

  private byte[] body() {
    StringBuilder sb = new StringBuilder(batch * 220).append("{\"batch\":[");
    String now = Instant.now().toString();
    for (int i = 0; i < batch; i++) {
      long n = nextEvent.getAndIncrement();
      long h = SplitMix.mix(n);
      int user = (int) Math.floorMod(h, (long) users);
      if (i > 0) {
        sb.append(',');
      }
      // A random UUID, as Segment's libraries send: the store's dedupe index gets its keys in no
      // order (ids counted up would all land on its last page).
      sb.append("{\"type\":\"track\",\"messageId\":\"")
          .append(new UUID(SplitMix.mix(runSeed + n), SplitMix.mix(~(runSeed + n))))
          .append("\",\"userId\":\"u")
          .append(user)
          .append("\",\"event\":\"")
          .append(NAMES[(int) ((h >>> 32) % NAMES.length)])
          .append("\",\"timestamp\":\"")
          .append(now)
          .append("\",\"properties\":{\"product_id\":\"p")
          .append((h >>> 40) % 500)
          .append("\",\"price\":")
          .append((h >>> 48) % 200)
          .append(".5}}");
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
