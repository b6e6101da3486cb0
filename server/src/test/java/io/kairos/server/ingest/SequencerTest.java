package io.kairos.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Routing ahead of the store: what a record decided is what the next one sees, whether or not the
 * store has it yet, and an older value read from the store never wins over it.
 */
class SequencerTest {
  private static final Partitioner PARTITIONER = new Partitioner(2);

  private static Accepted event(EventType type, String user, String anonymous, String id) {
    return new Accepted(
        "default",
        id,
        type,
        type == EventType.TRACK ? "Viewed" : null,
        user,
        anonymous,
        null,
        1_000,
        1_000,
        "{}".getBytes(StandardCharsets.UTF_8));
  }

  private static IdentityRouter.Key anon(String v) {
    return new IdentityRouter.Key("default", false, v);
  }

  private static IdentityRouter.Key user(String v) {
    return new IdentityRouter.Key("default", true, v);
  }

  /** Routes as the logging thread does, with {@code store} as what the store holds. */
  private static Sequencer.Routed route(
      Sequencer s, Map<IdentityRouter.Key, String> store, List<Accepted> record) {
    Map<String, Set<String>> missing = s.missing(List.of(record));
    Map<IdentityRouter.Key, String> read = new HashMap<>();
    for (Map.Entry<String, Set<String>> e : missing.entrySet()) {
      for (String v : e.getValue()) {
        for (boolean u : new boolean[] {true, false}) {
          IdentityRouter.Key k = new IdentityRouter.Key(e.getKey(), u, v);
          if (store.containsKey(k)) {
            read.put(k, store.get(k));
          }
        }
      }
    }
    return s.route(List.of(record), read, missing);
  }

  @Test
  void aMergeIsNumberedWithItsMarkerAndTheNextRecordSeesTheLink() {
    Sequencer s = new Sequencer(PARTITIONER, 1_000);
    s.startAfter(10);
    Map<IdentityRouter.Key, String> store = new HashMap<>();
    Sequencer.Record first =
        route(s, store, List.of(event(EventType.TRACK, null, "v", "m-1"))).records.get(0);
    assertThat(first.after()).isEqualTo(10);
    assertThat(first.upTo()).isEqualTo(11);
    assertThat(first.rows().get(0).profile()).isEqualTo("v");

    // Not stored yet: the sequencer still knows v has a profile of its own, and merges it.
    Sequencer.Record identify =
        route(s, store, List.of(event(EventType.IDENTIFY, "u", "v", "m-2"))).records.get(0);
    assertThat(identify.rows())
        .extracting(EventLog.StoredRow::seq, EventLog.StoredRow::type, EventLog.StoredRow::profile)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(12L, "merge_out", "v"),
            org.assertj.core.groups.Tuple.tuple(13L, "identify", "u"));
    EventLog.StoredRow event = identify.rows().get(1);
    assertThat(event.mergeFrom()).isEqualTo("v");
    assertThat(event.markerSeq()).isEqualTo(12);
    assertThat(event.markerPartition()).isEqualTo(PARTITIONER.partition("default", "v"));
    assertThat(identify.changes())
        .extracting(Sequencer.Change::key)
        .containsExactlyInAnyOrder(user("u"), anon("v"));

    // v leads to u from now on, stored or not.
    Sequencer.Record later =
        route(s, store, List.of(event(EventType.TRACK, null, "v", "m-3"))).records.get(0);
    assertThat(later.rows().get(0).profile()).isEqualTo("u");
    assertThat(later.after()).isEqualTo(13);
  }

  @Test
  void aRowCommittedWhileTheStoreWasReadWinsOverTheOlderValueRead() {
    Sequencer s = new Sequencer(PARTITIONER, 1_000);
    Map<IdentityRouter.Key, String> store = new HashMap<>(Map.of(anon("v"), "v"));
    Sequencer.Routed linked = route(s, store, List.of(event(EventType.IDENTIFY, "u", "v", "m-1")));
    // The logging thread finds v missing... (drop v from memory by storing, then trimming)
    Sequencer small = new Sequencer(PARTITIONER, 0);
    Map<String, Set<String>> missing =
        small.missing(List.of(List.of(event(EventType.TRACK, null, "v", "m-2"))));
    assertThat(missing).containsEntry("default", Set.of("v"));
    // ...reads the store's old row (v -> v), and meanwhile the storing thread commits v -> u.
    small.stored(linked.records.get(0).changes());
    Sequencer.Record routed =
        small
            .route(
                List.of(List.of(event(EventType.TRACK, null, "v", "m-2"))),
                Map.of(anon("v"), "v"),
                missing)
            .records
            .get(0);
    assertThat(routed.rows().get(0).profile()).isEqualTo("u");
  }

  @Test
  void anAbandonedBatchLeavesTheIdentitiesAsTheyWere() {
    Sequencer s = new Sequencer(PARTITIONER, 1_000);
    Map<IdentityRouter.Key, String> store = new HashMap<>(Map.of(anon("v"), "v"));
    Sequencer.Routed failed = route(s, store, List.of(event(EventType.IDENTIFY, "u", "v", "m-1")));
    assertThat(s.unstoredCount()).isEqualTo(2);
    s.abandon(failed);
    assertThat(s.unstoredCount()).isZero();
    // Its seqs stay taken: the caller hands them over empty.
    assertThat(s.lastTaken()).isEqualTo(2);
    Sequencer.Record again =
        route(s, store, List.of(event(EventType.TRACK, null, "v", "m-2"))).records.get(0);
    assertThat(again.rows().get(0).profile()).isEqualTo("v");
    assertThat(again.after()).isEqualTo(2);
  }

  @Test
  void anErasureMakesTheProfilesIdentitiesLeadNowhereForWhatComesAfter() {
    Sequencer s = new Sequencer(PARTITIONER, 1_000);
    Map<IdentityRouter.Key, String> store =
        new HashMap<>(Map.of(user("u"), "u", anon("v"), "u", anon("w"), "w"));
    // Not stored yet: x joins u.
    Sequencer.Routed linked = route(s, store, List.of(event(EventType.IDENTIFY, "u", "x", "m-1")));
    Sequencer.Erasure erasure =
        s.erase(
            Set.of(new Sequencer.ProfileRef("default", "u")),
            Map.of(user("u"), "u", anon("v"), "u"),
            1);
    assertThat(erasure.after()).isEqualTo(linked.records.get(0).upTo());
    assertThat(erasure.tombstones())
        .extracting(Sequencer.Change::key)
        .containsExactlyInAnyOrder(user("u"), anon("v"), anon("x"));

    Sequencer.Record afterErase =
        route(s, store, List.of(event(EventType.TRACK, null, "v", "m-2"))).records.get(0);
    assertThat(afterErase.rows().get(0).profile()).isEqualTo("v");
    Sequencer.Record w =
        route(s, store, List.of(event(EventType.TRACK, null, "w", "m-3"))).records.get(0);
    assertThat(w.rows().get(0).profile()).isEqualTo("w");

    // Stored in order: the link, the erasure (the store's rows of u go), the event after it.
    s.stored(linked.records.get(0).changes());
    s.erased(erasure);
    s.stored(afterErase.changes());
    s.stored(w.changes());
    assertThat(s.unstoredCount()).isZero();
    Sequencer.Record x =
        route(
                s,
                Map.of(anon("v"), "v", anon("w"), "w"),
                List.of(event(EventType.TRACK, null, "x", "m-4")))
            .records
            .get(0);
    assertThat(x.rows().get(0).profile()).isEqualTo("x");
  }

  @Test
  void aFailedErasureGivesTheIdentitiesBack() {
    Sequencer s = new Sequencer(PARTITIONER, 1_000);
    Map<IdentityRouter.Key, String> store = new HashMap<>(Map.of(user("u"), "u", anon("v"), "u"));
    Sequencer.Erasure erasure =
        s.erase(Set.of(new Sequencer.ProfileRef("default", "u")), Map.of(anon("v"), "u"), 1);
    s.eraseFailed(erasure);
    Sequencer.Record v =
        route(s, store, List.of(event(EventType.TRACK, null, "v", "m-1"))).records.get(0);
    assertThat(v.rows().get(0).profile()).isEqualTo("u");
  }

  @Test
  void aLoggedRecordDecodesToTheRowsItWasLoggedWith() {
    Sequencer s = new Sequencer(PARTITIONER, 1_000);
    s.startAfter(41);
    List<Accepted> record =
        List.of(
            event(EventType.TRACK, null, "v", "m-1"), event(EventType.IDENTIFY, "u", "v", "m-2"));
    Sequencer.Record routed = route(s, Map.of(), record).records.get(0);
    LoggedMessages.Decoded d = LoggedMessages.decode(LoggedMessages.encode(record, routed));
    assertThat(d.items()).hasSize(2);
    List<EventLog.StoredRow> rows = new java.util.ArrayList<>();
    long upTo =
        Sequencer.rowsOf(d.routed().after(), d.items(), d.routed().routes(), PARTITIONER, rows);
    assertThat(upTo).isEqualTo(routed.upTo());
    assertThat(rows)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("body")
        .isEqualTo(routed.rows());
    assertThat(d.routed().changes())
        .extracting(c -> c.key() + "->" + c.entry().profile)
        .isEqualTo(routed.changes().stream().map(c -> c.key() + "->" + c.entry().profile).toList());
    // A record of the version before has no routes: it is routed when stored.
    assertThat(LoggedMessages.decode(LoggedMessages.encodeUnrouted(record)).routed()).isNull();
  }

  @Test
  void theWatermarkWaitsForEveryGap() {
    Watermark w = new Watermark(10);
    assertThat(w.finish(12, 15)).isEqualTo(10);
    assertThat(w.finish(15, 16)).isEqualTo(10);
    assertThat(w.waiting()).isEqualTo(2);
    assertThat(w.finish(10, 12)).isEqualTo(16);
    assertThat(w.waiting()).isZero();
    assertThat(w.finish(3, 5)).isEqualTo(16);
  }
}
