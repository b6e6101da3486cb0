package io.kairos.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.serve.ChildStore.Kind;
import io.kairos.serve.Senders.Sent;
import io.kairos.serve.TrackingLoad.Batch;
import io.kairos.serve.TrackingLoad.Message;
import io.kairos.serve.TrackingLoad.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole server ({@code kairos server}, a child process) killed with SIGKILL while clients send
 * batches, started again on the same store and killed again, then left to drain. Checked directly
 * in the store: every acknowledged message stored exactly once, every unanswered one at most once;
 * batches a client sends again after a restart reported as duplicates and changing nothing; every
 * journey entry, wait and outbox message exactly what the stored events call for, with the timers
 * that were pending at a kill fired once after the restart.
 */
class ServerKillTest {
  private static final int CUSTOMERS = 400;
  private static final int SENDERS = 3;
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;

  static Stream<Arguments> runs() {
    List<Arguments> runs = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (long seed : new long[] {1, 2, 3}) {
        runs.add(Arguments.of(kind, seed));
      }
    }
    return runs.stream();
  }

  /** What the clients know: which messages were acknowledged, refused, or got no answer. */
  private static final class Ledger {
    final Set<String> acknowledged = new HashSet<>();
    final Set<String> refused = new HashSet<>();
    final Set<String> unanswered = new HashSet<>();
    final List<Batch> acknowledgedBatches = new ArrayList<>();
    final List<Batch> unansweredBatches = new ArrayList<>();

    void record(Batch b, Outcome o, ChildServer server) {
      List<String> ids = b.messages().stream().map(Message::messageId).toList();
      if (o.acknowledged()) {
        assertThat(o.accepted() + o.duplicates())
            .as("accepted + duplicates of %s: %s", b.id(), o.detail())
            .isEqualTo(ids.size());
        acknowledged.addAll(ids);
        unanswered.removeAll(ids);
        acknowledgedBatches.add(b);
      } else if (o.unanswered()) {
        unanswered.addAll(ids);
        unansweredBatches.add(b);
      } else if (o.status() == 503) {
        refused.addAll(ids);
      } else {
        throw new AssertionError(
            "batch " + b.id() + " answered " + o.status() + ": " + o.detail() + server.describe());
      }
    }
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("runs")
  void killedDuringIngestItLosesNothingAcknowledgedAndRepeatsNothing(Kind kind, long seed)
      throws Exception {
    Random rnd = new Random(seed);
    ChildStore store = ChildStore.create(kind, dir);
    Path journeys = TrackingLoad.writeJourneys(dir.resolve("journeys"));
    List<String> args = new ArrayList<>(store.args());
    args.addAll(List.of("--journeys", journeys.toString()));
    int kills = 2 + (int) (seed % 2);
    Ledger ledger = new Ledger();
    String key = null;
    int unansweredAtKills = 0;
    long timersAtKills = 0;
    List<Long> pendingAtLastKill = List.of();
    long overdueAtRestarts = 0;

    for (int life = 0; life <= kills; life++) {
      boolean last = life == kills;
      // The dispatcher's reports would add events the checks below do not expect; delivery's own
      // crash windows are tested in DeliveryTest (server).
      try (ChildServer server =
          ChildServer.start(dir, args, Map.of("KAIROS_DELIVERY_ENABLED", "false"))) {
        int port = server.awaitListening(START);
        long readyAt = System.currentTimeMillis();
        overdueAtRestarts += pendingAtLastKill.stream().filter(due -> due <= readyAt).count();
        if (key == null) {
          key = store.createKey("ingest");
        }
        TrackingLoad.Client client = new TrackingLoad.Client(port, key);
        if (life > 0) {
          resend(client, store, ledger, rnd, server);
        }

        // Kill after a seeded number of acknowledged batches, with the senders still sending.
        int target = last ? 10 : 4 + rnd.nextInt(16);
        Senders senders =
            new Senders(
                client, SENDERS, seed * 100 + life, "s" + seed + "-l" + life, CUSTOMERS, target);
        try {
          assertThat(senders.awaitAcknowledged(Duration.ofSeconds(60)))
              .as("%d batches acknowledged in life %d%s", target, life, server.describe())
              .isTrue();
          if (!last) {
            if (timersAtKills == 0) {
              // A kill must find timers pending at least once: on a fast machine the first
              // batches can all be acknowledged before the runtime applied any. The senders go
              // on meanwhile, so the kill still hits ingestion.
              awaitTimers(store, Duration.ofSeconds(30));
            }
            int code = server.kill();
            assertThat(code)
                .as("exit code of a SIGKILLed child (128 + 9)%s", server.describe())
                .isEqualTo(137);
            senders.awaitEnded(Duration.ofSeconds(60));
          } else {
            senders.stop(Duration.ofSeconds(60));
          }
        } finally {
          senders.stop(Duration.ofSeconds(60));
        }
        for (Sent s : senders.sent()) {
          ledger.record(s.batch(), s.outcome(), server);
          if (s.outcome().unanswered()) {
            unansweredAtKills++;
          }
        }
        if (!last) {
          pendingAtLastKill = new ArrayList<>();
          for (List<Object> r : store.rows("SELECT due FROM timers")) {
            pendingAtLastKill.add(((Number) r.get(0)).longValue());
          }
          timersAtKills += pendingAtLastKill.size();
          // The process stays down at least until the first pending timer is due, so that the
          // restart finds it overdue (a start can take less than the 2-second wait).
          long firstDue = pendingAtLastKill.stream().min(Long::compare).orElse(0L);
          Thread.sleep(Math.max(0, firstDue - System.currentTimeMillis()));
          continue;
        }
        StoreChecks.awaitDrained(store, server, Duration.ofSeconds(30));
      }
    }

    assertThat(unansweredAtKills)
        .as("requests in flight when the server was killed (the kills hit ingestion)")
        .isPositive();
    assertThat(timersAtKills).as("timers pending at the kills").isPositive();
    assertThat(overdueAtRestarts)
        .as("timers pending at a kill, overdue at the restart")
        .isPositive();
    StoreChecks.checkMessages(store, ledger.acknowledged, ledger.unanswered, ledger.refused);
    StoreChecks.checkJourneys(store);
    System.out.printf(
        "ServerKillTest %s seed %d: %d kills; %d messages acknowledged, %d unanswered at the end,"
            + " %d refused; %d requests unanswered at the kills; %d timers pending at the kills,"
            + " %d overdue at the restarts; %d events, %d outbox rows%n",
        kind,
        seed,
        kills,
        ledger.acknowledged.size(),
        ledger.unanswered.size(),
        ledger.refused.size(),
        unansweredAtKills,
        timersAtKills,
        overdueAtRestarts,
        store.count("SELECT COUNT(*) FROM events"),
        store.count("SELECT COUNT(*) FROM outbox"));
  }

  /**
   * A client retrying after the restart: a few acknowledged batches are sent again and must come
   * back as duplicates without changing the log; half of the batches that got no answer are sent
   * again and must now be acknowledged (their messages stored before the kill as duplicates).
   */
  private static void resend(
      TrackingLoad.Client client, ChildStore store, Ledger ledger, Random rnd, ChildServer server)
      throws Exception {
    long events = store.count("SELECT COUNT(*) FROM events");
    for (int i = 0; i < 3 && !ledger.acknowledgedBatches.isEmpty(); i++) {
      Batch b = ledger.acknowledgedBatches.get(rnd.nextInt(ledger.acknowledgedBatches.size()));
      Outcome o = client.post(b);
      assertThat(o.status())
          .as("status of %s sent again: %s%s", b.id(), o.detail(), server.describe())
          .isEqualTo(200);
      assertThat(o.duplicates())
          .as("duplicates reported for acknowledged batch %s sent again", b.id())
          .isEqualTo(b.messages().size());
      assertThat(o.accepted()).as("accepted of %s sent again", b.id()).isZero();
    }
    server.awaitStored(Duration.ofSeconds(30));
    assertThat(store.count("SELECT COUNT(*) FROM events"))
        .as("events rows after acknowledged batches were sent again")
        .isEqualTo(events);

    List<Batch> retry = new ArrayList<>();
    for (Batch b : ledger.unansweredBatches) {
      if (rnd.nextBoolean()) {
        retry.add(b);
      }
    }
    long accepted = 0;
    for (Batch b : retry) {
      Outcome o = client.post(b);
      ledger.record(b, o, server);
      assertThat(o.status())
          .as("status of unanswered %s sent again: %s", b.id(), o.detail())
          .isEqualTo(200);
      accepted += o.accepted();
    }
    ledger.unansweredBatches.removeAll(retry);
    server.awaitStored(Duration.ofSeconds(30));
    assertThat(store.count("SELECT COUNT(*) FROM events"))
        .as("events rows after unanswered batches were sent again")
        .isEqualTo(events + accepted);
  }

  /** Polls the child's store (bounded) until the runtime has stored a timer. */
  private static void awaitTimers(ChildStore store, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (store.count("SELECT COUNT(*) FROM timers") == 0) {
      assertThat(System.nanoTime() < deadline)
          .as("the runtime stored no timer within %s", limit)
          .isTrue();
      Thread.sleep(20);
    }
  }
}
