package io.kairos.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.serve.ChildStore.Kind;
import io.kairos.serve.Senders.Sent;
import io.kairos.serve.TrackingLoad.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kairos server} (a child process) stopped with SIGTERM while clients send batches: it exits
 * 0 within {@code shutdown.grace}; every request answered 200 is stored, none answered 503 is;
 * requests after the stop began are refused (503 or no connection), never acknowledged and lost;
 * the runtime commits what it applied and the next start applies the rest with nothing lost or
 * doubled; the log shows each step of the drain in order.
 */
class GracefulShutdownTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Kind.class)
  void sigtermStopsAcceptingCommitsWhatItAcceptedAndExitsZero(Kind kind) throws Exception {
    ChildStore store = ChildStore.create(kind, dir);
    Path journeys = TrackingLoad.writeJourneys(dir.resolve("journeys"));
    List<String> args = new ArrayList<>(store.args());
    args.addAll(List.of("--journeys", journeys.toString()));
    Map<String, String> env = Map.of("KAIROS_SHUTDOWN_GRACE", GRACE.toSeconds() + "s");

    List<Sent> sent;
    long termAt;
    long tookMillis;
    List<String> drainLog;
    String childOutput;
    try (ChildServer server = ChildServer.start(dir, args, env)) {
      int port = server.awaitListening(START);
      String key = store.createKey("ingest");
      Senders senders = new Senders(new TrackingLoad.Client(port, key), 3, 7, "g", 400, 20);
      try {
        assertThat(senders.awaitAcknowledged(Duration.ofSeconds(60)))
            .as("20 batches acknowledged before the stop%s", server.describe())
            .isTrue();
        termAt = System.nanoTime();
        server.terminate();
        int code = server.awaitExit(GRACE.plusSeconds(30));
        long took = System.nanoTime() - termAt;
        tookMillis = took / 1_000_000;
        assertThat(code)
            .as("exit code after SIGTERM, %d ms after it%s", tookMillis, server.describe())
            .isZero();
        assertThat(Duration.ofNanos(took))
            .as("time from SIGTERM to exit (grace %s)%s", GRACE, server.describe())
            .isLessThan(GRACE);
        senders.awaitEnded(Duration.ofSeconds(30)); // each ends on its first unanswered request
      } finally {
        senders.stop(Duration.ofSeconds(30));
      }
      sent = senders.sent();
      drainLog = server.lines();
      childOutput = server.describe();
    }

    List<String> acknowledged = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> afterStop = new ArrayList<>();
    List<Sent> unansweredBatches = new ArrayList<>();
    for (Sent s : sent) {
      List<String> ids = s.batch().messages().stream().map(Message::messageId).toList();
      switch (s.outcome().status()) {
        case 200 -> acknowledged.addAll(ids);
        case -1 -> unanswered.addAll(ids);
        case 503 -> refused.addAll(ids);
        default -> throw new AssertionError(s.batch().id() + " answered " + s.outcome());
      }
      if (s.sentAt() > termAt) {
        afterStop.add(s.batch().id() + " " + s.outcome().status());
      }
      if (s.outcome().unanswered()) {
        unansweredBatches.add(s);
      }
    }
    assertThat(afterStop)
        .as("requests sent after SIGTERM: the senders went on until refused")
        .isNotEmpty()
        .anyMatch(r -> r.endsWith(" 503") || r.endsWith(" -1"));
    StoreChecks.checkMessages(store, acknowledged, unanswered, refused);
    // A drain leaves no request in doubt: one that got no answer (connection refused or closed)
    // was not stored either; what the server took in, it answered.
    Map<String, Long> stored = StoreChecks.storedMessages(store);
    List<String> inDoubt = new ArrayList<>();
    for (Sent s : unansweredBatches) {
      if (s.batch().messages().stream().anyMatch(m -> stored.containsKey(m.messageId()))) {
        inDoubt.add(s.batch().id() + " (" + s.outcome().detail() + ")");
      }
    }
    assertThat(inDoubt).as("requests stored but never answered%s", childOutput).isEmpty();
    List<String> behind = StoreChecks.partitionsBehind(store);
    System.out.printf(
        "GracefulShutdownTest %s: exit after %d ms; %d requests (%d messages acknowledged, %d"
            + " refused, %d unanswered); sent after SIGTERM: %s; partitions behind at exit: %s%n",
        kind,
        tookMillis,
        sent.size(),
        acknowledged.size(),
        refused.size(),
        unanswered.size(),
        afterStop,
        behind);

    checkDrainLog(drainLog, childOutput);

    // What the runtime committed is consistent: no decision of an input past its partition's
    // cursor is stored (nothing applied without its cursor, nothing to apply twice).
    assertThat(
            store.count(
                "SELECT COUNT(*) FROM timeline t JOIN events e ON e.seq = t.input_seq"
                    + " JOIN partition_cursors c ON c.partition = e.partition"
                    + " WHERE t.input_seq > c.seq"))
        .as("timeline rows of inputs past the committed cursor")
        .isZero();

    // The next start applies whatever the stop left, and every journey ends exactly as the stored
    // events call for.
    try (ChildServer server = ChildServer.start(dir, args, env)) {
      server.awaitListening(START);
      StoreChecks.awaitDrained(store, server, Duration.ofSeconds(30));
    }
    StoreChecks.checkMessages(store, acknowledged, unanswered, refused);
    StoreChecks.checkJourneys(store);
  }

  /** The steps of the drain, as the log says them, in this order. */
  private static final List<String> DRAIN =
      List.of(
          "KairosServer INFO stopping: new requests are refused",
          "Dispatcher INFO dispatcher stopped: every attempt made is recorded",
          "IngestWriter INFO ingest writer stopped: every request it accepted is stored",
          "KairosServer INFO HTTP listener closed",
          "PartitionWorker INFO partition * stopped; its log up to seq",
          "PartitionWorker INFO partition * stopped; its log up to seq",
          "LiveRuntime INFO runtime stopped: every partition committed the batch it was in",
          "KairosServer INFO stopped: store closed");

  /**
   * The JSON log lines from the first of {@link #DRAIN} on are each step of the drain, in order,
   * with no warning or error among them.
   */
  private static void checkDrainLog(List<String> lines, String childOutput) throws IOException {
    List<String> log = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("{")) {
        JsonNode n = JSON.readTree(line);
        String logger = n.path("loggerName").asText();
        log.add(
            logger.substring(logger.lastIndexOf('.') + 1)
                + " "
                + n.path("level").asText()
                + " "
                + n.path("formattedMessage").asText());
      }
    }
    int from = 0;
    while (from < log.size() && !matches(log.get(from), DRAIN.get(0))) {
      from++;
    }
    List<String> drain = log.subList(from, log.size());
    assertThat(drain)
        .as("the log from the stop on%s", childOutput)
        .hasSize(DRAIN.size())
        .allSatisfy(l -> assertThat(l).doesNotContain(" WARN ", " ERROR "));
    for (int i = 0; i < DRAIN.size(); i++) {
      String line = drain.get(i);
      String step = DRAIN.get(i);
      assertThat(matches(line, step)).as("drain step %d: '%s' in %s", i, step, drain).isTrue();
    }
  }

  private static boolean matches(String line, String step) {
    String[] parts = step.split("\\*", -1);
    return line.matches(
        String.join(
                ".*", java.util.Arrays.stream(parts).map(java.util.regex.Pattern::quote).toList())
            + ".*");
  }
}
