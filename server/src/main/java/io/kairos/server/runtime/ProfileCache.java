package io.kairos.server.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A partition's most recently used profile states (LRU), read through from the {@code profiles}
 * table. Only the partition's writer thread touches it. An entry always equals what is committed: a
 * batch's changes are kept here only once the batch committed, and every profile a failed batch
 * touched is evicted.
 */
final class ProfileCache {
  private final int capacity;
  private final LinkedHashMap<ProfileKey, CachedProfile> entries;

  ProfileCache(int capacity) {
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ProfileKey, CachedProfile> eldest) {
            return size() > ProfileCache.this.capacity;
          }
        };
  }

  CachedProfile get(ProfileKey key) {
    return entries.get(key);
  }

  void put(CachedProfile p) {
    if (capacity > 0) {
      entries.put(p.key, p);
    }
  }

  void remove(ProfileKey key) {
    entries.remove(key);
  }

  void clear() {
    entries.clear();
  }

  int size() {
    return entries.size();
  }
}
