package io.kairos.server.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Numbers the log's rows and routes events to profiles before they are logged, so the rows a
 * request adds are fixed (seq, partition, profile, merges) when it is acknowledged: the partitions
 * apply them at once, while the store copies them later, with the same seqs after a crash (the
 * ingest log's record holds them).
 *
 * <p>Identities are decided here, ahead of the store, so this keeps what the store does not show
 * yet: every change of the records logged but not stored ({@code unstored}), and the erasures
 * queued but not committed (an entry without a profile). Lookups go there first, then to a cache of
 * stored rows, then to the store. The cache only ever grows between two {@link #route} calls (only
 * {@link #route} trims it, after its lookups), so a row the storing thread committed while the
 * logging thread was reading the store is found in the cache, never as the older value read.
 *
 * <p>Seqs come from one counter: the logging thread takes them for what it routes, the storing
 * thread for the runtime's rows when it commits them ({@link #take}). All methods are synchronized.
 */
final class Sequencer {
  /** What the cache holds for an identity the store does not have. */
  private static final String ABSENT = new String(new byte[0], StandardCharsets.UTF_8);

  /** An identity's profile as decided but not stored yet; a null profile: erased. */
  static final class Unstored {
    final String profile;
    final long seq;

    Unstored(String profile, long seq) {
      this.profile = profile;
      this.seq = seq;
    }
  }

  /** One identity row to write: {@code key} leads to {@code entry.profile} from now on. */
  record Change(IdentityRouter.Key key, Unstored entry) {}

  /**
   * One logged record as routed: where each event went, its rows with their seqs in {@code (after,
   * upTo]}, and the identities it changes.
   */
  record Record(
      long after,
      long upTo,
      List<IdentityRouter.Route> routes,
      List<EventLog.StoredRow> rows,
      List<Change> changes) {}

  /** What an erasure took from the identities: its keys, and what each led to before. */
  record Erasure(long after, long upTo, List<Change> tombstones, List<Unstored> before) {}

  /** A batch of routed records; {@link #abandon} takes back what it decided. */
  static final class Routed {
    final List<Record> records;
    private final List<Change> published;
    private final List<Unstored> replaced;

    private Routed(List<Record> records, List<Change> published, List<Unstored> replaced) {
      this.records = records;
      this.published = published;
      this.replaced = replaced;
    }
  }

  private final Partitioner partitioner;
  private final int cacheSize;
  private final Map<IdentityRouter.Key, Unstored> unstored = new HashMap<>();
  private final LinkedHashMap<IdentityRouter.Key, String> cache;
  private long last;

  Sequencer(Partitioner partitioner, int cacheSize) {
    this.partitioner = partitioner;
    this.cacheSize = cacheSize;
    this.cache = new LinkedHashMap<>(1 << 16, 0.75f, true);
  }

  /** The next seq taken is {@code seq + 1}. */
  synchronized void startAfter(long seq) {
    last = seq;
  }

  /** The last seq taken so far. */
  synchronized long lastTaken() {
    return last;
  }

  /**
   * Takes {@code n} seqs.
   *
   * @return the seq before the first one taken
   */
  synchronized long take(int n) {
    long after = last;
    last += n;
    return after;
  }

  /**
   * The ids whose identities routing {@code records} needs from the store: neither decided here nor
   * cached. By workspace.
   */
  synchronized Map<String, Set<String>> missing(List<List<Accepted>> records) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    List<String> values = new ArrayList<>(3);
    for (List<Accepted> record : records) {
      for (Accepted a : record) {
        values.clear();
        IdentityRouter.valuesOf(a, values);
        for (String v : values) {
          for (boolean user : new boolean[] {true, false}) {
            IdentityRouter.Key k = new IdentityRouter.Key(a.workspace(), user, v);
            if (!unstored.containsKey(k) && !cache.containsKey(k)) {
              out.computeIfAbsent(a.workspace(), w -> new java.util.HashSet<>()).add(v);
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Routes the events of {@code records} in order, numbers their rows, and takes their identity
   * changes as decided (until {@link #abandon}).
   *
   * @param read what the store holds for the ids {@link #missing} named (an id it lacks is absent)
   * @param readIds the ids read, by workspace
   */
  synchronized Routed route(
      List<List<Accepted>> records,
      Map<IdentityRouter.Key, String> read,
      Map<String, Set<String>> readIds) {
    for (Map.Entry<String, Set<String>> e : readIds.entrySet()) {
      for (String v : e.getValue()) {
        for (boolean user : new boolean[] {true, false}) {
          IdentityRouter.Key k = new IdentityRouter.Key(e.getKey(), user, v);
          // A row committed since the read is in the cache already: it wins over the read.
          cache.putIfAbsent(k, read.getOrDefault(k, ABSENT));
        }
      }
    }
    Map<IdentityRouter.Key, String> known = new HashMap<>();
    List<String> values = new ArrayList<>(3);
    for (List<Accepted> record : records) {
      for (Accepted a : record) {
        values.clear();
        IdentityRouter.valuesOf(a, values);
        for (String v : values) {
          for (boolean user : new boolean[] {true, false}) {
            IdentityRouter.Key k = new IdentityRouter.Key(a.workspace(), user, v);
            String profile = current(k);
            if (profile != null) {
              known.put(k, profile);
            }
          }
        }
      }
    }
    IdentityRouter router = new IdentityRouter(known);
    List<Record> out = new ArrayList<>(records.size());
    List<Change> published = new ArrayList<>();
    List<Unstored> replaced = new ArrayList<>();
    for (List<Accepted> record : records) {
      long after = last;
      List<EventLog.StoredRow> rows = new ArrayList<>(record.size());
      List<IdentityRouter.Route> routes = new ArrayList<>(record.size());
      for (Accepted a : record) {
        routes.add(router.route(a));
      }
      last = rowsOf(after, record, routes, partitioner, rows);
      List<Change> changes = new ArrayList<>(router.changed().size());
      for (Map.Entry<IdentityRouter.Key, String> c : router.changed().entrySet()) {
        Unstored entry = new Unstored(c.getValue(), last);
        changes.add(new Change(c.getKey(), entry));
        replaced.add(unstored.put(c.getKey(), entry));
        published.add(new Change(c.getKey(), entry));
      }
      router.changed().clear();
      out.add(new Record(after, last, routes, rows, changes));
    }
    while (cache.size() > cacheSize) {
      Iterator<IdentityRouter.Key> eldest = cache.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    return new Routed(out, published, replaced);
  }

  /**
   * The rows of one record whose events went where {@code routes} say, numbered after {@code
   * after}: per event, a {@code merge_out} marker in each merged profile's partition, a {@code
   * merge_in} row for every merge but the last, then the event itself, which carries the last.
   *
   * @return the last seq used
   */
  static long rowsOf(
      long after,
      List<Accepted> record,
      List<IdentityRouter.Route> routes,
      Partitioner partitioner,
      List<EventLog.StoredRow> rows) {
    long seq = after + 1;
    for (int i = 0; i < record.size(); i++) {
      Accepted a = record.get(i);
      IdentityRouter.Route route = routes.get(i);
      List<String> merged = route.merged();
      int home = partitioner.partition(a.workspace(), route.profile());
      long firstMarker = seq;
      for (String from : merged) {
        rows.add(
            new EventLog.StoredRow(
                seq++,
                partitioner.partition(a.workspace(), from),
                a.workspace(),
                from,
                a.messageId() + "/merge_out/" + from,
                "merge_out",
                route.profile(),
                a.timestamp(),
                a.receivedAt(),
                null,
                IngestWriter.EMPTY_BODY));
      }
      for (int m = 0; m < merged.size() - 1; m++) {
        String from = merged.get(m);
        rows.add(
            new EventLog.StoredRow(
                seq++,
                home,
                a.workspace(),
                route.profile(),
                a.messageId() + "/merge_in/" + from,
                "merge_in",
                route.profile(),
                a.timestamp(),
                a.receivedAt(),
                from,
                IngestWriter.EMPTY_BODY,
                partitioner.partition(a.workspace(), from),
                firstMarker + m));
      }
      String lastFrom = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      rows.add(
          new EventLog.StoredRow(
              seq++,
              home,
              a.workspace(),
              route.profile(),
              a.messageId(),
              a.type().wireName(),
              a.name(),
              a.timestamp(),
              a.receivedAt(),
              lastFrom,
              a.body(),
              lastFrom == null ? -1 : partitioner.partition(a.workspace(), lastFrom),
              lastFrom == null ? 0 : firstMarker + merged.size() - 1));
    }
    return seq - 1;
  }

  /**
   * Takes back what {@link #route} decided for a batch that was not logged. Its seqs stay taken
   * (the caller hands them over as empty); an identity decided again since is left alone.
   */
  synchronized void abandon(Routed routed) {
    for (int i = routed.published.size() - 1; i >= 0; i--) {
      Change c = routed.published.get(i);
      Unstored before = routed.replaced.get(i);
      if (unstored.get(c.key()) == c.entry()) {
        if (before == null) {
          unstored.remove(c.key());
        } else {
          unstored.put(c.key(), before);
        }
      }
    }
  }

  /** After the store committed {@code changes}: the cache takes them, the unstored entries go. */
  synchronized void stored(List<Change> changes) {
    for (Change c : changes) {
      cache.put(c.key(), c.entry().profile == null ? ABSENT : c.entry().profile);
      unstored.remove(c.key(), c.entry());
    }
  }

  /** A profile of a workspace. */
  record ProfileRef(String workspace, String profile) {}

  /**
   * Takes {@code n} seqs for the rows of an erasure of {@code profiles} and makes every identity
   * that leads to one of them lead nowhere for what is routed from now on.
   *
   * @param stored the identities the store has for those profiles, with the profile each leads to
   */
  synchronized Erasure erase(
      Set<ProfileRef> profiles, Map<IdentityRouter.Key, String> stored, int n) {
    long after = take(n);
    List<IdentityRouter.Key> keys = new ArrayList<>();
    for (Map.Entry<IdentityRouter.Key, String> e : stored.entrySet()) {
      IdentityRouter.Key k = e.getKey();
      // Decided since (re-pointed to someone else) or committed since: that wins over the read.
      Unstored u = unstored.get(k);
      String cached = cache.get(k);
      String now = u != null ? u.profile : cached != null ? cached : e.getValue();
      if (now != null && profiles.contains(new ProfileRef(k.workspace(), now))) {
        keys.add(k);
      }
    }
    for (Map.Entry<IdentityRouter.Key, Unstored> e : unstored.entrySet()) {
      IdentityRouter.Key k = e.getKey();
      String p = e.getValue().profile;
      if (p != null && profiles.contains(new ProfileRef(k.workspace(), p)) && !keys.contains(k)) {
        keys.add(k);
      }
    }
    List<Change> tombstones = new ArrayList<>(keys.size());
    List<Unstored> before = new ArrayList<>(keys.size());
    for (IdentityRouter.Key k : keys) {
      Unstored tomb = new Unstored(null, after + n);
      before.add(unstored.put(k, tomb));
      tombstones.add(new Change(k, tomb));
    }
    return new Erasure(after, after + n, tombstones, before);
  }

  /** After the erasure's commit: its identities are gone from the store too. */
  synchronized void erased(Erasure e) {
    stored(e.tombstones());
  }

  /** The erasure was not committed: its identities lead where they did. */
  synchronized void eraseFailed(Erasure e) {
    for (int i = 0; i < e.tombstones().size(); i++) {
      Change c = e.tombstones().get(i);
      if (unstored.get(c.key()) == c.entry()) {
        Unstored before = e.before().get(i);
        if (before == null) {
          unstored.remove(c.key());
        } else {
          unstored.put(c.key(), before);
        }
      }
    }
  }

  /** How many decided identities wait for the store, for tests. */
  synchronized int unstoredCount() {
    return unstored.size();
  }

  // Where k leads now: decided, else cached; null when nowhere or not known here.
  private String current(IdentityRouter.Key k) {
    Unstored u = unstored.get(k);
    if (u != null) {
      return u.profile;
    }
    String c = cache.get(k);
    return c == null || c == ABSENT ? null : c;
  }
}
