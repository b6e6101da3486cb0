package io.kairos.server.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one partition writer applied since its last commit, to be written in one transaction:
 * changed profiles, timers set and fired, outbox and timeline rows, erasures, and how far the log
 * was read. Nothing in it is visible to anyone until {@link BatchWriter} committed it.
 */
final class Batch {
  /**
   * The engine of each workspace, fixed for the batch (a definitions change waits for the next).
   */
  final Map<String, WorkspaceEngine> engines = new HashMap<>();

  /** Every profile the batch read or changed; evicted from the cache if the batch fails. */
  final Map<ProfileKey, CachedProfile> touched = new HashMap<>();

  /** Profiles looked up that have no row (so they are not read twice). */
  final Set<ProfileKey> absent = new HashSet<>();

  /** Profiles to write, in the order they were first changed. */
  final Map<ProfileKey, CachedProfile> dirty = new LinkedHashMap<>();

  /** Profiles to delete: anonymous profiles merged into another. */
  final Set<ProfileKey> deleted = new HashSet<>();

  final List<PendingTimer> newTimers = new ArrayList<>();
  final List<Long> firedTimers = new ArrayList<>();
  final List<OutboxRow> outbox = new ArrayList<>();
  final List<TimelineRow> timeline = new ArrayList<>();
  final JourneyCounts counts = new JourneyCounts();
  final List<Erasure> erasures = new ArrayList<>();

  /**
   * The newest committed timeline row of profiles that left {@link #touched} in this batch (merged
   * into another, or erased): their rows of this batch still link to it.
   */
  final Map<ProfileKey, Long> goneHeads = new HashMap<>();

  /** Each {@code merged} timeline row and the profile merged in, whose chain it continues. */
  final Map<TimelineRow, ProfileKey> branches = new IdentityHashMap<>();

  /** received_at of every event applied, for the decision latency. */
  final List<Long> received = new ArrayList<>();

  /** The partition clock when the batch began (restored if it fails). */
  final long startClock;

  int inputs;
  int events;
  int timers;
  int triggers;
  int merges;

  Batch(long startClock) {
    this.startClock = startClock;
  }

  void changed(CachedProfile p) {
    touched.put(p.key, p);
    dirty.put(p.key, p);
  }

  /** The profile is gone (merged into another or erased): not written, deleted if stored. */
  void gone(ProfileKey key) {
    touched.remove(key);
    dirty.remove(key);
    absent.add(key);
  }
}
