package io.kairos.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the whole-server tests check directly in the store, over JDBC: messages stored exactly once
 * (or not at all), the runtime caught up with the log, and every journey's entries, timers and
 * outbox messages exactly what the stored events call for.
 */
final class StoreChecks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreChecks() {}

  /** Message id -> how many {@code events} rows carry it. */
  static Map<String, Long> storedMessages(ChildStore store) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    for (List<Object> r :
        store.rows("SELECT message_id, COUNT(*) FROM events GROUP BY message_id")) {
      out.put((String) r.get(0), ((Number) r.get(1)).longValue());
    }
    return out;
  }

  /**
   * Every acknowledged message is stored exactly once, every message whose request got no answer at
   * most once, every message of a refused request (503) not at all.
   */
  static void checkMessages(
      ChildStore store,
      Collection<String> acknowledged,
      Collection<String> unanswered,
      Collection<String> refused)
      throws SQLException {
    Map<String, Long> stored = storedMessages(store);
    List<String> lost = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    for (String id : acknowledged) {
      long n = stored.getOrDefault(id, 0L);
      if (n == 0) {
        lost.add(id);
      } else if (n > 1) {
        twice.add(id + " x" + n);
      }
    }
    for (String id : unanswered) {
      if (stored.getOrDefault(id, 0L) > 1) {
        twice.add(id + " x" + stored.get(id));
      }
    }
    List<String> storedAfterRefusal = new ArrayList<>();
    for (String id : refused) {
      if (stored.containsKey(id)) {
        storedAfterRefusal.add(id);
      }
    }
    none("acknowledged messages missing from events", lost);
    none("messages stored more than once", twice);
    none("messages of refused (503) requests that were stored", storedAfterRefusal);
  }

  /** Fails when {@code found} is not empty, naming how many and the first few. */
  static void none(String what, List<String> found) {
    assertThat(found.size())
        .as("%s: %d, first: %s", what, found.size(), found.subList(0, Math.min(20, found.size())))
        .isZero();
  }

  /**
   * The partitions whose cursor is behind the last events row of the partition, as {@code
   * partition: cursor < seq}; empty when the runtime has applied the whole log.
   */
  static List<String> partitionsBehind(ChildStore store) throws SQLException {
    Map<Integer, Long> cursors = new HashMap<>();
    for (List<Object> r : store.rows("SELECT partition, seq FROM partition_cursors")) {
      cursors.put(((Number) r.get(0)).intValue(), ((Number) r.get(1)).longValue());
    }
    List<String> behind = new ArrayList<>();
    for (List<Object> r :
        store.rows("SELECT partition, MAX(seq) FROM events GROUP BY partition ORDER BY 1")) {
      int p = ((Number) r.get(0)).intValue();
      long last = ((Number) r.get(1)).longValue();
      long cursor = cursors.getOrDefault(p, 0L);
      if (cursor < last) {
        behind.add(p + ": cursor " + cursor + " < last seq " + last);
      }
    }
    return behind;
  }

  /**
   * Polls the store (at most {@code limit}) until the runtime has applied every events row and
   * fired every timer: the journeys here set only 2-second waits, so then no timer is left.
   */
  static void awaitDrained(ChildStore store, ChildServer server, Duration limit) throws Exception {
    // What is acknowledged is in the ingest log first: the partitions' cursors are compared with
    // the events table once it holds all of it.
    server.awaitStored(limit);
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> behind;
    long timers;
    do {
      behind = partitionsBehind(store);
      timers = store.count("SELECT COUNT(*) FROM timers");
      if (behind.isEmpty() && timers == 0) {
        return;
      }
      Thread.sleep(100); // polling a child process; not an assertion
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "the runtime did not drain within "
            + limit
            + ": partitions behind "
            + behind
            + ", timers left "
            + timers
            + ", of which overdue "
            + store.count("SELECT COUNT(*) FROM timers WHERE due < ?", System.currentTimeMillis())
            + server.describe());
  }

  /**
   * Every customer's entries, timeline and outbox are exactly what the stored events call for:
   * {@code welcome} (entry once) one message per customer with a stored {@code Signed Up}, {@code
   * trial-reminder} (once, wait 2s) one wait and one message per customer with a stored {@code
   * Trial Started}, {@code receipt} (parallel) one message per stored {@code Order Placed}. No
   * entry (profile, journey, instance) is in the timeline twice, and no timer is left overdue.
   */
  static void checkJourneys(ChildStore store) throws SQLException, IOException {
    Map<String, Long> expected = new TreeMap<>();
    Set<String> signedUp = new HashSet<>();
    Set<String> trials = new HashSet<>();
    for (List<Object> r :
        store.rows(
            "SELECT profile, name, COUNT(*) FROM events WHERE type = 'track' GROUP BY 1, 2")) {
      String profile = (String) r.get(0);
      String name = (String) r.get(1);
      long n = ((Number) r.get(2)).longValue();
      switch (name) {
        case TrackingLoad.SIGNED_UP -> signedUp.add(profile);
        case TrackingLoad.TRIAL_STARTED -> trials.add(profile);
        case TrackingLoad.ORDER_PLACED -> expected.put(profile + " receipt", n);
        default -> {}
      }
    }
    signedUp.forEach(p -> expected.put(p + " welcome", 1L));
    trials.forEach(p -> expected.put(p + " trial-reminder", 1L));
    assertThat(expected).as("the load started no journey: nothing would be checked").isNotEmpty();

    sameCounts(
        "outbox messages per (customer, journey)",
        expected,
        perJourney(store, "SELECT profile, journey, COUNT(*) FROM outbox GROUP BY 1, 2"));
    sameCounts(
        "send rows in the timeline per (customer, journey)",
        expected,
        perJourney(
            store,
            "SELECT profile, journey, COUNT(*) FROM timeline WHERE kind = 'send' GROUP BY 1, 2"));
    sameCounts(
        "journey entries per (customer, journey)",
        expected,
        perJourney(
            store,
            "SELECT profile, journey, COUNT(*) FROM timeline WHERE kind = 'entered' GROUP BY 1, 2"));
    Map<String, Long> waits = new TreeMap<>();
    trials.forEach(p -> waits.put(p + " trial-reminder", 1L));
    sameCounts(
        "waits begun per (customer, journey)",
        waits,
        perJourney(
            store,
            "SELECT profile, journey, COUNT(*) FROM timeline WHERE kind = 'waiting' GROUP BY 1, 2"));

    Map<String, Integer> entries = new HashMap<>();
    for (List<Object> r :
        store.rows("SELECT profile, journey, detail FROM timeline WHERE kind = 'entered'")) {
      String instance = JSON.readTree((String) r.get(2)).path("instance").asText("?");
      entries.merge(r.get(0) + " " + r.get(1) + " #" + instance, 1, Integer::sum);
    }
    entries.values().removeIf(n -> n == 1);
    assertThat(entries)
        .as("journey entries (profile, journey, instance) in the timeline twice")
        .isEmpty();

    // No provider is configured in these tests: the dispatcher (when on) can only fail messages.
    // A row may be left 'sending' by the kill that ends a child server: an attempt in flight, to
    // be retried with the same id at the next start.
    assertThat(
            store.count(
                "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('pending', 'sending', 'failed')"))
        .as(
            "outbox rows sent or skipped although no provider is configured here: %s",
            store.rows("SELECT status, channel, outcome, COUNT(*) FROM outbox GROUP BY 1, 2, 3"))
        .isZero();
    assertThat(
            store.count(
                "SELECT COUNT(*) FROM outbox WHERE status = 'failed'"
                    + " AND outcome NOT LIKE '%provider is configured%'"))
        .as("outbox rows failed for another reason than the missing provider")
        .isZero();
    assertThat(
            store.count("SELECT COUNT(*) FROM timers WHERE due <= ?", System.currentTimeMillis()))
        .as("overdue timers left")
        .isZero();
  }

  /** Fails naming the first keys whose counts differ (the maps hold hundreds of customers). */
  private static void sameCounts(
      String what, Map<String, Long> expected, Map<String, Long> actual) {
    Set<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    List<String> differ = new ArrayList<>();
    for (String k : keys) {
      long want = expected.getOrDefault(k, 0L);
      long got = actual.getOrDefault(k, 0L);
      if (want != got) {
        differ.add(k + ": expected " + want + ", found " + got);
      }
    }
    assertThat(differ.size())
        .as(
            "%s: %d of %d differ from what the stored events call for, first: %s",
            what, differ.size(), keys.size(), differ.subList(0, Math.min(20, differ.size())))
        .isZero();
  }

  private static Map<String, Long> perJourney(ChildStore store, String sql) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    for (List<Object> r : store.rows(sql)) {
      out.put(r.get(0) + " " + r.get(1), ((Number) r.get(2)).longValue());
    }
    return out;
  }
}
