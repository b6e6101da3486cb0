package io.kairos.server.ingest;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messageIds of the dedupe window in memory, approximately: "absent" is certain, "maybe" is
 * wrong for about one new id in 100,000. The logging thread asks the store ({@code message_ids})
 * only about the maybes. Its lookup is one query for a whole group of requests, so the rate must be
 * far below one per group for most groups to skip it: then nearly every message is acknowledged
 * without a read of the store.
 *
 * <p>The window is cut into {@link #SLICES} slices of time by receivedAt, and a slice is dropped
 * once all of it is older than the window. A slice is a chain of Bloom filters: when the last one
 * holds what it was sized for, the next is sized for twice as many at half its false-positive rate,
 * so a chain stays short (it grows with the log of the count), at most half of it is empty, and its
 * false positives stay under twice the first filter's. Memory is capped: past the cap the last
 * filter takes every further id, so it answers "maybe" more often (more lookups in the store),
 * never "absent" for an id it holds (a slice's first filter, about 230 KB, is made whatever the
 * cap). About 5 to 7 bytes per id: the default 64 MB hold some 10 million.
 *
 * <p>It answers only once {@link #ready}: the ids the store held at the start are added by a scan
 * meanwhile, and until then every id is looked up in the store. Thread-safe: the logging thread
 * adds and asks while the scan adds.
 */
final class DedupeFilter {
  private static final Logger log = LoggerFactory.getLogger(DedupeFilter.class);

  /** Slices per window: a slice is dropped whole, so the filter holds at most 1/8 extra. */
  static final int SLICES = 8;

  /** The first filter of a slice: ids it is sized for, and its false-positive rate. */
  static final long FIRST_CAPACITY = 1 << 16;

  static final double FIRST_FALSE_POSITIVES = 1e-6;

  /**
   * A messageId within its workspace is hashed once, to 64 bits, and every filter of every slice
   * probes that fingerprint: hashing the strings again for each filter of a chain took more of the
   * logging thread than the probes did. A new id shares a fingerprint with one of ten million held
   * about once in 10^12 lookups, far below the filters' own rate.
   */
  private static final HashFunction FINGERPRINT = Hashing.farmHashFingerprint64();

  private static final class Filter {
    final BloomFilter<Long> bloom;
    final long capacity;
    final double falsePositives;
    final long bytes;
    final AtomicLong added = new AtomicLong();

    Filter(long capacity, double falsePositives) {
      this.bloom = BloomFilter.create(Funnels.longFunnel(), capacity, falsePositives);
      this.capacity = capacity;
      this.falsePositives = falsePositives;
      this.bytes = bytesOf(capacity, falsePositives);
    }
  }

  private static final class Slice {
    final long end;
    final List<Filter> chain = new CopyOnWriteArrayList<>();

    Slice(long end, Filter first) {
      this.end = end;
      chain.add(first);
    }

    Filter last() {
      return chain.get(chain.size() - 1);
    }
  }

  private final long windowMillis;
  private final long sliceMillis;
  private final long maxBytes;
  private final ConcurrentSkipListMap<Long, Slice> slices = new ConcurrentSkipListMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private volatile boolean ready;
  private volatile boolean warnedFull;

  /**
   * @param windowMillis the dedupe window
   * @param maxBytes the most memory the filters take (roughly their bit arrays)
   */
  DedupeFilter(long windowMillis, long maxBytes) {
    if (windowMillis <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("window and memory must be positive");
    }
    this.windowMillis = windowMillis;
    this.sliceMillis = Math.max(1, (windowMillis + SLICES - 1) / SLICES);
    this.maxBytes = maxBytes;
  }

  /** Adds a messageId received at {@code receivedAt} (epoch millis). */
  void add(String workspace, String messageId, long receivedAt) {
    long start = Math.floorDiv(receivedAt, sliceMillis) * sliceMillis;
    Slice s = slices.get(start);
    if (s == null) {
      Slice fresh =
          new Slice(start + sliceMillis, new Filter(FIRST_CAPACITY, FIRST_FALSE_POSITIVES));
      s = slices.putIfAbsent(start, fresh);
      if (s == null) {
        s = fresh;
        bytes.addAndGet(s.last().bytes);
      }
    }
    Filter f = s.last();
    if (f.added.get() >= f.capacity) {
      f = grow(s, f);
    }
    if (f.bloom.put(fingerprint(workspace, messageId))) {
      f.added.incrementAndGet();
    }
  }

  /**
   * False when no id of the window that was added equals this one; true when one may.
   *
   * @param now epoch millis: slices wholly older than the window are not asked
   */
  boolean mightContain(String workspace, String messageId, long now) {
    Long k = fingerprint(workspace, messageId);
    long oldest = now - windowMillis;
    for (Slice s : slices.values()) {
      if (s.end <= oldest) {
        continue;
      }
      for (Filter f : s.chain) {
        if (f.bloom.mightContain(k)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Long fingerprint(String workspace, String messageId) {
    // The NUL keeps ("a", "b\0c") and ("a\0b", "c") apart: neither name nor id holds one.
    return FINGERPRINT.hashString(workspace + '\0' + messageId, StandardCharsets.UTF_8).asLong();
  }

  /** Drops the slices wholly older than the window at {@code now}. */
  void expire(long now) {
    long oldest = now - windowMillis;
    for (Map.Entry<Long, Slice> e = slices.firstEntry();
        e != null && e.getValue().end <= oldest;
        e = slices.firstEntry()) {
      if (slices.remove(e.getKey(), e.getValue())) {
        for (Filter f : e.getValue().chain) {
          bytes.addAndGet(-f.bytes);
        }
      }
    }
  }

  /** Marks the filter as holding every id of the window: from now on it answers. */
  void ready() {
    ready = true;
  }

  boolean isReady() {
    return ready;
  }

  /** The memory the filters take, roughly. */
  long bytes() {
    return bytes.get();
  }

  private Filter grow(Slice s, Filter full) {
    synchronized (s) {
      Filter last = s.last();
      if (last != full) {
        return last;
      }
      Filter next = new Filter(2 * full.capacity, full.falsePositives / 2);
      if (bytes.get() + next.bytes > maxBytes) {
        if (!warnedFull) {
          warnedFull = true;
          log.warn(
              "the dedupe filter reached ingest.dedupe_filter_mb ({} MB): more messageIds are"
                  + " looked up in the store",
              maxBytes >> 20);
        }
        return full;
      }
      bytes.addAndGet(next.bytes);
      s.chain.add(next);
      return next;
    }
  }

  /** The bit array of a Bloom filter for {@code n} ids at rate {@code p}, as Guava sizes it. */
  static long bytesOf(long n, double p) {
    long bits = (long) (-n * Math.log(p) / (Math.log(2) * Math.log(2)));
    return (bits + 63) / 64 * 8;
  }
}
