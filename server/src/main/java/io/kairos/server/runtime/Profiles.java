package io.kairos.server.runtime;

import io.kairos.engine.ProfileState;
import io.kairos.profile.Profile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profile states a partition writer works on: the batch's own (changed or read in it), the
 * cache of committed ones, and the store behind both. A state is decoded against the workspace
 * engine of the batch; one decoded against an engine since replaced is decoded again.
 */
final class Profiles {
  private static final Logger log = LoggerFactory.getLogger(Profiles.class);

  /** Profiles read per query when a batch loads the states it will need. */
  private static final int CHUNK = 200;

  private final PartitionReads reads;
  private final ProfileCache cache;
  private final StateFormat format;
  private final RuntimeMetrics metrics;

  /**
   * @param cacheCapacity the most profiles the cache keeps
   * @param cacheBudget the most heap, estimated, the cached states may take
   */
  Profiles(
      PartitionReads reads,
      int cacheCapacity,
      long cacheBudget,
      StateFormat format,
      RuntimeMetrics metrics) {
    this.reads = reads;
    this.cache = new ProfileCache(cacheCapacity, cacheBudget);
    this.format = format;
    this.metrics = metrics;
  }

  /** The profile's state as batch {@code b} sees it, or null when it has none. */
  CachedProfile load(Batch b, ProfileKey key, WorkspaceEngine we) {
    CachedProfile p = b.touched.get(key);
    if (p != null) {
      return p;
    }
    if (b.absent.contains(key)) {
      return null;
    }
    p = cached(key, we);
    if (p != null) {
      metrics.fromCache(1);
    } else {
      p = committed(key, we);
    }
    if (p == null) {
      b.absent.add(key);
      return null;
    }
    b.touched.put(key, p);
    return p;
  }

  /** As {@link #load}, or a new empty profile. */
  CachedProfile loadOrCreate(Batch b, ProfileKey key, WorkspaceEngine we) {
    CachedProfile p = load(b, key, we);
    if (p == null) {
      p = new CachedProfile(key, new ProfileState(new Profile(key.id())), we, null);
      b.absent.remove(key);
      b.touched.put(key, p);
    }
    return p;
  }

  /**
   * The committed state from the store, bypassing the cache (another partition's profile).
   *
   * @throws IllegalArgumentException when the stored state cannot be read
   */
  CachedProfile committed(ProfileKey key, WorkspaceEngine we) {
    PartitionReads.StoredProfile s =
        reads.profiles(key.workspace(), List.of(key.id())).get(key.id());
    if (s == null) {
      return null;
    }
    metrics.fromStore(1);
    return decode(key, s, we);
  }

  /** Reads the states of {@code ids} the batch will need in a few queries, not one each. */
  void prefetch(Batch b, String workspace, Collection<String> ids, WorkspaceEngine we) {
    List<String> missing = new ArrayList<>();
    int hits = 0;
    for (String id : ids) {
      ProfileKey key = new ProfileKey(workspace, id);
      if (b.touched.containsKey(key) || b.absent.contains(key)) {
        continue;
      }
      CachedProfile p = cached(key, we);
      if (p != null) {
        b.touched.put(key, p);
        hits++;
      } else {
        missing.add(id);
      }
    }
    metrics.fromCache(hits);
    for (int i = 0; i < missing.size(); i += CHUNK) {
      List<String> chunk = missing.subList(i, Math.min(missing.size(), i + CHUNK));
      Map<String, PartitionReads.StoredProfile> found = reads.profiles(workspace, chunk);
      metrics.fromStore(found.size());
      for (String id : chunk) {
        ProfileKey key = new ProfileKey(workspace, id);
        PartitionReads.StoredProfile s = found.get(id);
        if (s == null) {
          b.absent.add(key);
          continue;
        }
        try {
          b.touched.put(key, decode(key, s, we));
        } catch (IllegalArgumentException e) {
          // Left for the input that needs it, which then fails alone and is set apart.
          log.error("stored state of {} cannot be read", key, e);
        }
      }
    }
  }

  /**
   * After a commit: the batch's states are what the store holds now, and {@code heads} the newest
   * timeline row of each profile the batch wrote rows for.
   */
  void afterCommit(Batch b, Map<ProfileKey, Long> heads) {
    heads.forEach(
        (k, head) -> {
          CachedProfile p = b.touched.get(k);
          if (p != null) {
            p.timelineHead = head;
          }
        });
    for (CachedProfile p : b.dirty.values()) {
      p.stored = true;
      p.storedUserId = p.state.profile().userId();
      cache.put(p);
    }
    for (ProfileKey k : b.deleted) {
      cache.remove(k);
    }
    for (Erasure e : b.erasures) {
      for (String id : e.ids()) {
        cache.remove(new ProfileKey(e.workspace(), id));
      }
    }
  }

  /** After a failure: whatever the batch touched may have been changed by the engine. */
  void afterFailure(Batch b) {
    for (ProfileKey k : b.touched.keySet()) {
      cache.remove(k);
    }
    for (ProfileKey k : b.deleted) {
      cache.remove(k);
    }
  }

  /** The cache, for its gauges (read from other threads through its published values). */
  ProfileCache cache() {
    return cache;
  }

  void evict(ProfileKey key) {
    cache.remove(key);
  }

  private CachedProfile cached(ProfileKey key, WorkspaceEngine we) {
    CachedProfile p = cache.get(key);
    if (p != null && p.engine != we) {
      // Decoded against the workspace's previous definitions: decode again.
      cache.remove(key);
      return null;
    }
    return p;
  }

  /**
   * @throws IllegalArgumentException when the stored state cannot be read (inside an input this
   *     makes the input fail, and it is set apart)
   */
  private CachedProfile decode(ProfileKey key, PartitionReads.StoredProfile s, WorkspaceEngine we) {
    return CachedProfile.fromStore(
        key, format.decode(s.state(), we), we, s.mergedInto(), s.timelineHead());
  }
}
