package io.kairos.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.kairos.serve.ChildStore.Kind;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole server ({@code kairos server}, a child process) with delivery on, killed with SIGKILL
 * while it sends: to a real SMTP server (GreenMail, in this process) and to a webhook receiver that
 * holds every call of a life open until the kill, so that each kill finds attempts in flight. After
 * the kills and a last life that drains, checked against what the peers received: every message the
 * journeys decided was delivered at least once, a message was delivered twice only if its attempt
 * was in flight (status {@code sending} in the store) at a kill, at most once more per such kill,
 * and every copy carries the message's own id (SMTP {@code Message-ID}, {@code webhook-id}).
 */
class DeliveryKillTest {
  private static final int KILLS = 2;
  private static final int ORDERS_PER_LIFE = 25;
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;
  private GreenMail smtp;
  private HttpServer hooks;
  private final ExecutorService hookThreads = Executors.newCachedThreadPool();
  private final Map<String, Integer> hookCalls = new ConcurrentHashMap<>();
  private volatile CountDownLatch release = new CountDownLatch(0);
  private volatile CountDownLatch firstCall = new CountDownLatch(1);

  @BeforeEach
  void peers() throws IOException {
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.setExecutor(hookThreads);
    hooks.createContext(
        "/hook",
        ex -> {
          ex.getRequestBody().readAllBytes();
          hookCalls.merge(ex.getRequestHeaders().getFirst("webhook-id"), 1, Integer::sum);
          firstCall.countDown();
          try {
            // Held until the test has killed the server: the attempt is in flight at the kill.
            release.await(2, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          try {
            ex.sendResponseHeaders(204, -1);
          } catch (IOException e) {
            // the caller is gone (killed): nothing to answer
          }
          ex.close();
        });
    hooks.start();
  }

  @AfterEach
  void stopPeers() {
    release.countDown();
    smtp.stop();
    hooks.stop(0);
    hookThreads.shutdownNow();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void killedWhileSendingEveryMessageArrivesAndOnlyAttemptsInFlightArriveTwice(Kind kind)
      throws Exception {
    ChildStore store = ChildStore.create(kind, dir);
    int hookPort = hooks.getAddress().getPort();
    Path journeys = Files.createDirectories(dir.resolve("journeys"));
    Files.writeString(
        journeys.resolve("receipt.yaml"),
        """
        id: receipt
        goal: Confirm every order
        trigger: { event: Order Placed }
        entry: parallel
        steps:
          - send: email
            template: receipt
            category: transactional
          - webhook: http://127.0.0.1:%d/hook
            body:
              order: event.properties.order_id
        """
            .formatted(hookPort));
    Path templates = Files.createDirectories(dir.resolve("templates"));
    Files.writeString(
        templates.resolve("receipt.json"),
        """
        {"id": "receipt", "channel": "email", "locales": {"en": {
          "subject": "Order {{ event.properties.order_id }} received",
          "text": "Thanks! We are packing order {{ event.properties.order_id }}."}}}
        """);
    List<String> args = new ArrayList<>(store.args());
    args.addAll(List.of("--journeys", journeys.toString(), "--templates", templates.toString()));
    Map<String, String> env = new HashMap<>();
    env.put("KAIROS_DELIVERY_ENABLED", "true");
    env.put("KAIROS_DELIVERY_RETRY_BASE", "1s");
    env.put("KAIROS_DELIVERY_RETRY_MAX", "2s");
    env.put("KAIROS_CHANNELS_EMAIL_SMTP_HOST", "127.0.0.1");
    env.put("KAIROS_CHANNELS_EMAIL_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()));
    env.put("KAIROS_CHANNELS_EMAIL_SMTP_SECURITY", "none");
    env.put("KAIROS_CHANNELS_EMAIL_FROM", "Shop <orders@shop.example>");
    env.put("KAIROS_CHANNELS_WEBHOOK_ALLOW", "127.0.0.1");

    // How many kills found each message's attempt in flight.
    Map<String, Integer> inFlightAtKills = new HashMap<>();
    String key = null;
    HttpClient http = HttpClient.newHttpClient();
    for (int life = 0; life <= KILLS; life++) {
      boolean last = life == KILLS;
      release = last ? new CountDownLatch(0) : new CountDownLatch(1);
      firstCall = new CountDownLatch(1);
      try (ChildServer server = ChildServer.start(dir, args, env)) {
        int port = server.awaitListening(START);
        if (key == null) {
          key = store.createKey("ingest");
        }
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < ORDERS_PER_LIFE; i++) {
          String user = "u-" + life + "-" + i;
          batch
              .append(i == 0 ? "" : ",")
              .append("{\"type\":\"identify\",\"userId\":\"")
              .append(user)
              .append("\",\"messageId\":\"id-")
              .append(user)
              .append("\",\"traits\":{\"email\":\"")
              .append(user)
              .append("@example.com\"}},{\"type\":\"track\",\"userId\":\"")
              .append(user)
              .append("\",\"messageId\":\"order-")
              .append(user)
              .append("\",\"event\":\"Order Placed\",\"properties\":{\"order_id\":\"o-")
              .append(user)
              .append("\"}}");
        }
        batch.append("]}");
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/batch"))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(batch.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body() + server.describe()).isEqualTo(200);
        if (!last) {
          // A webhook call is being held: the dispatcher has attempts in flight. Kill it now.
          assertThat(firstCall.await(60, TimeUnit.SECONDS))
              .as("a webhook call in life %d%s", life, server.describe())
              .isTrue();
          assertThat(server.kill())
              .as("exit code after SIGKILL" + server.describe())
              .isEqualTo(137);
          release.countDown();
          List<List<Object>> sending =
              store.rows("SELECT message_id FROM outbox WHERE status = 'sending'");
          assertThat(sending).as("attempts in flight at kill %d", life + 1).isNotEmpty();
          for (List<Object> row : sending) {
            inFlightAtKills.merge((String) row.get(0), 1, Integer::sum);
          }
        } else {
          awaitAllSent(store, 2L * ORDERS_PER_LIFE * (KILLS + 1), server);
        }
      }
    }

    // What the journeys decided, and what the peers received.
    Map<String, String> decided = new HashMap<>();
    for (List<Object> row : store.rows("SELECT message_id, channel, status FROM outbox")) {
      assertThat(row.get(2)).as("status of %s", row.get(0)).isEqualTo("sent");
      decided.put((String) row.get(0), (String) row.get(1));
    }
    Map<String, Integer> delivered = new HashMap<>(hookCalls);
    for (MimeMessage m : smtp.getReceivedMessages()) {
      String id = m.getMessageID();
      assertThat(id).matches("<.+@shop\\.example>");
      delivered.merge(id.substring(1, id.indexOf('@')), 1, Integer::sum);
    }
    assertThat(decided).hasSize(2 * ORDERS_PER_LIFE * (KILLS + 1));
    // Nothing arrived that was not decided, under its own id.
    assertThat(decided.keySet()).containsAll(delivered.keySet());
    int duplicates = 0;
    for (Map.Entry<String, String> d : decided.entrySet()) {
      int copies = delivered.getOrDefault(d.getKey(), 0);
      int kills = inFlightAtKills.getOrDefault(d.getKey(), 0);
      assertThat(copies).as("%s %s delivered", d.getValue(), d.getKey()).isPositive();
      assertThat(copies - 1)
          .as("extra copies of %s %s, in flight at %d kills", d.getValue(), d.getKey(), kills)
          .isLessThanOrEqualTo(kills);
      duplicates += copies - 1;
    }
    // The webhook calls held at each kill were received, never answered, and sent again.
    assertThat(duplicates)
        .as("duplicates (the calls held at the kills)")
        .isGreaterThanOrEqualTo(KILLS);
    System.out.printf(
        "DeliveryKillTest %s: %d kills, %d messages decided, %d attempts in flight at the kills,"
            + " %d delivered twice%n",
        kind,
        KILLS,
        decided.size(),
        inFlightAtKills.values().stream().mapToInt(Integer::intValue).sum(),
        duplicates);
  }

  /** Polls the child's store until every message is sent (a child process has no callback). */
  private static void awaitAllSent(ChildStore store, long n, ChildServer server) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (store.count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == n) {
        return;
      }
      Thread.sleep(100); // polling a child process; not an assertion
    }
    throw new AssertionError(
        "not every message sent within 90s: "
            + store.rows("SELECT status, COUNT(*) FROM outbox GROUP BY status")
            + server.describe());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
