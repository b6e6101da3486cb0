package io.kairos.server.runtime;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * A partition's most recently used profile states (LRU), read through from the {@code profiles}
 * table. Only the partition's writer thread changes it. An entry always equals what is committed: a
 * batch's changes are kept here only once the batch committed, and every profile a failed batch
 * touched is evicted.
 *
 * <p>Bounded twice: by a count of profiles and by an estimate of the heap the states take. States
 * grow with what a customer does (instances, deferred messages, scores), so a cache bounded only by
 * count filled a 1 GB heap with 100,000 profiles after 2.5 million events, and the server spent its
 * time in full collections (docs/benchmarks.md, sixteenth session).
 */
final class ProfileCache {
  /**
   * The least heap an entry counts for: the cache's own entry, key and bookkeeping, for a state
   * whose estimate is missing.
   */
  static final long MIN_HEAP = 256;

  private record Entry(CachedProfile profile, long bytes) {}

  private final int capacity;
  private final long budget;
  private final LinkedHashMap<ProfileKey, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  /** What the metrics read from other threads, written after each change. */
  private volatile int sizeSeen;

  private volatile long bytesSeen;

  /**
   * @param capacity the most profiles kept
   * @param budget the most heap, estimated, their states may take
   */
  ProfileCache(int capacity, long budget) {
    this.capacity = capacity;
    this.budget = budget;
  }

  CachedProfile get(ProfileKey key) {
    Entry e = entries.get(key);
    return e == null ? null : e.profile;
  }

  /** Keeps {@code p}, then evicts the least recently used entries while over a bound. */
  void put(CachedProfile p) {
    long heap = Math.max(MIN_HEAP, p.heapBytes);
    if (capacity <= 0 || heap > budget) {
      remove(p.key);
      return;
    }
    Entry old = entries.put(p.key, new Entry(p, heap));
    if (old != null) {
      bytes -= old.bytes;
    }
    bytes += heap;
    Iterator<Entry> eldest = entries.values().iterator();
    while ((entries.size() > capacity || bytes > budget) && eldest.hasNext()) {
      bytes -= eldest.next().bytes;
      eldest.remove();
    }
    published();
  }

  void remove(ProfileKey key) {
    Entry e = entries.remove(key);
    if (e != null) {
      bytes -= e.bytes;
      published();
    }
  }

  void clear() {
    entries.clear();
    bytes = 0;
    published();
  }

  int size() {
    return entries.size();
  }

  /** The estimated heap of the cached states. */
  long bytes() {
    return bytes;
  }

  /** {@link #size()} as last published, for another thread. */
  int sizeSeen() {
    return sizeSeen;
  }

  /** {@link #bytes()} as last published, for another thread. */
  long bytesSeen() {
    return bytesSeen;
  }

  private void published() {
    sizeSeen = entries.size();
    bytesSeen = bytes;
  }
}
