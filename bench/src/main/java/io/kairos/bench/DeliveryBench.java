package io.kairos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.workspace.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * The delivery benchmark: rendered messages per second from the outbox to a loopback peer (a
 * GreenMail SMTP server, or a JDK HTTP server for webhooks), and the latency from an event to its
 * message handed to the channel. Server, peer and load on this machine.
 *
 * <pre>
 * java -cp bench/target/kairos-bench.jar io.kairos.bench.DeliveryBench [--channel email|webhook]
 *     [--messages N] [--threads T] [--rate EVENTS_PER_S] [--latency-messages N]
 * </pre>
 *
 * <p>Throughput: N customers place an order with delivery off (the runtime decides N receipts, each
 * rendered from a Liquid template with a loop over the order's 3 products); then the server
 * restarts with delivery on, and the time until every receipt is recorded as sent gives messages
 * per second. Latency: with delivery on, orders arrive at {@code --rate} per second; for each
 * receipt, the time from the order's timestamp (set by the sender as it sends) to the outbox row
 * recorded as sent; p50/p99 over all.
 */
public final class DeliveryBench {
  private DeliveryBench() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Distinct recipient addresses. GreenMail keeps a mailbox per address and finds it by a linear,
   * case-insensitive scan, so 20,000 addresses would make the peer, not Kairos, the cost
   * (quadratic); Kairos's work per message is the same whatever the address.
   */
  private static final int MAILBOXES = 50;

  private static final String RECEIPT =
      """
      {"id":"receipt","channel":"email","default_locale":"en","locales":{"en":{
        "subject":"Your order {{ event.properties.order_id }}, {{ profile.first_name }}",
        "preheader":"Thanks for shopping with us",
        "html":"<html><body><h1>Thank you, {{ profile.first_name }}!</h1><table>{% for p in event.properties.products %}<tr><td>{{ p.name }}</td><td>{{ p.quantity }}</td><td>{{ p.price | money }}</td></tr>{% endfor %}</table><p>Total: {{ event.properties.revenue | money }}</p></body></html>",
        "text":"Thank you, {{ profile.first_name }}! Order {{ event.properties.order_id }}: {% for p in event.properties.products %}{{ p.name }} x{{ p.quantity }}; {% endfor %}"}}}
      """;

  public static void main(String[] args) throws Exception {
    String channel = "email";
    int messages = 20_000;
    int threads = 8;
    int rate = 200;
    int latencyMessages = 6_000;
    String peer = "sink";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--channel" -> channel = args[i + 1];
        case "--messages" -> messages = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        case "--latency-messages" -> latencyMessages = Integer.parseInt(args[i + 1]);
        case "--peer" -> peer = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "delivery bench: channel %s (peer %s), %d messages, %d threads per channel, %d cores,"
            + " java %s%n",
        channel,
        channel.equals("email") ? peer : "jdk-http",
        messages,
        threads,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    GreenMail smtp = null;
    SmtpSink sink = null;
    HttpServer hooks = null;
    int peerPort = freePort();
    if (channel.equals("email") && peer.equals("greenmail")) {
      smtp = new GreenMail(new ServerSetup(peerPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.start();
    } else if (channel.equals("email")) {
      sink = new SmtpSink();
      peerPort = sink.port();
    } else {
      hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", peerPort), 512);
      hooks.createContext(
          "/hook",
          ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
          });
      hooks.setExecutor(
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "webhook-peer");
                t.setDaemon(true); // a failed run must end, not wait for the peer
                return t;
              }));
      hooks.start();
    }
    try {
      Path data = Files.createTempDirectory("kairos-delivery-bench");
      ConfigLoader config =
          new ConfigLoader()
              .set("server.port", "0")
              .set("data.dir", data.toString())
              .set("delivery.threads", Integer.toString(threads))
              .set("channels.email.smtp.host", "127.0.0.1")
              .set("channels.email.smtp.port", Integer.toString(peerPort))
              .set("channels.email.smtp.security", "none")
              .set("channels.email.from", "Shop <orders@shop.example>")
              .set("channels.webhook.allow", "127.0.0.1")
              .set("delivery.enabled", "false");
      KairosServer server = KairosServer.start(config.build(), InstantSource.system());
      String admin = server.workspaces().createKey("default", Scope.ADMIN, "bench").secret();
      String write = server.workspaces().createKey("default", Scope.INGEST, "bench").secret();
      HttpClient http = HttpClient.newHttpClient();
      String base0 = "http://127.0.0.1:" + server.port();
      post(http, base0 + "/v1/templates", admin, "application/json", RECEIPT);
      String step =
          channel.equals("email")
              ? "  - send: email\n    template: receipt\n    category: transactional\n"
              : "  - webhook: http://127.0.0.1:"
                  + peerPort
                  + "/hook\n    body:\n      order: event.properties.order_id\n"
                  + "      total: event.properties.revenue\n";
      post(
          http,
          base0 + "/v1/journeys",
          admin,
          "application/yaml",
          "id: receipt\ngoal: g\ntrigger: { event: Order Completed }\nentry: parallel\nsteps:\n"
              + step);
      post(http, base0 + "/v1/journeys/receipt/publish", admin, "application/json", "");

      // Throughput: decide every receipt first, then time the dispatcher alone.
      long t0 = System.nanoTime();
      ingest(http, base0, write, 0, messages, 0);
      server.runtime().awaitIdle(Duration.ofMinutes(30));
      System.out.printf(
          Locale.ROOT,
          "decided %d receipts in %.1f s (ingest + runtime, delivery off)%n",
          messages,
          (System.nanoTime() - t0) / 1e9);
      server.close();
      config.set("delivery.enabled", "true");
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      server = KairosServer.start(config.build(), InstantSource.system());
      if (!server.dispatcher().awaitRecorded(messages, Duration.ofMinutes(30))) {
        throw new IllegalStateException("not every message was recorded");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMillis = (processCpuNanos() - cpuStart) / 1e6;
      long sent = count(server, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'");
      // From the first outcome recorded to the last: the dispatcher's pace, without the start-up.
      long span =
          count(
              server, "SELECT MAX(updated_at) - MIN(updated_at) FROM outbox WHERE status = 'sent'");
      System.out.printf(
          Locale.ROOT,
          "THROUGHPUT %s: %d sent (%d outcomes), %.2f s after the start began;"
              + " first to last recorded %.2f s = %.0f messages/s%n",
          channel,
          sent,
          messages,
          seconds,
          span / 1e3,
          sent / (span / 1e3));
      System.out.printf(
          Locale.ROOT,
          "  CPU: %.0f ms for the whole run = %.3f ms per message (every thread of the process:"
              + " server start, dispatcher, runtime applying the reports, the peer); %d cores"
              + " give at most %.0f messages/s at that cost%n",
          cpuMillis,
          cpuMillis / messages,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors() * 1000.0 / (cpuMillis / messages));
      String base = "http://127.0.0.1:" + server.port();
      if (smtp != null) {
        System.out.printf(
            Locale.ROOT, "  the SMTP server received %d%n", smtp.getReceivedMessages().length);
        smtp.purgeEmailFromAllMailboxes();
      }
      if (sink != null) {
        System.out.printf(
            Locale.ROOT,
            "  the SMTP sink received %d (%.1f KB each)%n",
            sink.received(),
            sink.bytes() / 1024.0 / Math.max(1, sink.received()));
      }
      server.runtime().awaitIdle(Duration.ofMinutes(30));

      // Latency: orders at a steady rate, delivery on.
      long before = server.dispatcher().recorded();
      long since = System.currentTimeMillis();
      ingest(http, base, write, messages, latencyMessages, rate);
      server.dispatcher().awaitRecorded(before + latencyMessages, Duration.ofMinutes(30));
      List<Long> lat = latencies(server, since);
      System.out.printf(
          Locale.ROOT,
          "LATENCY %s at %d orders/s: order (email) or decision (webhook) -> handed to the channel"
              + " and recorded: p50 %d ms,"
              + " p99 %d ms, max %d ms (%d messages)%n",
          channel,
          rate,
          lat.get(lat.size() / 2),
          lat.get((int) (lat.size() * 0.99)),
          lat.get(lat.size() - 1),
          lat.size());
      server.close();
    } finally {
      if (smtp != null) {
        smtp.stop();
      }
      if (sink != null) {
        sink.close();
      }
      if (hooks != null) {
        hooks.stop(0);
      }
    }
  }

  /** Customers [from, from + n) identify and order; at {@code rate} orders/s, or at once if 0. */
  private static void ingest(HttpClient http, String base, String key, int from, int n, int rate)
      throws Exception {
    int batch = rate == 0 ? 100 : Math.max(1, rate / 20);
    long started = System.nanoTime();
    for (int i = from; i < from + n; i += batch) {
      if (rate > 0) {
        long due = started + (long) ((i - from) * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      StringBuilder b = new StringBuilder("{\"batch\":[");
      for (int c = i; c < Math.min(from + n, i + batch); c++) {
        String now = Instant.now().toString();
        if (c > i) {
          b.append(',');
        }
        b.append("{\"type\":\"identify\",\"userId\":\"c")
            .append(c)
            .append("\",\"timestamp\":\"")
            .append(now)
            .append("\",\"traits\":{\"email\":\"c")
            .append(c % MAILBOXES)
            .append("@example.com\",\"first_name\":\"Customer ")
            .append(c)
            .append("\"}},{\"type\":\"track\",\"userId\":\"c")
            .append(c)
            .append("\",\"event\":\"Order Completed\",\"timestamp\":\"")
            .append(now)
            .append("\",\"properties\":{\"order_id\":\"o")
            .append(c)
            .append("\",\"revenue\":71.5,\"currency\":\"EUR\",\"products\":[")
            .append("{\"name\":\"Trail shoe\",\"quantity\":1,\"price\":49.5},")
            .append("{\"name\":\"Socks\",\"quantity\":2,\"price\":6},")
            .append("{\"name\":\"Laces\",\"quantity\":2,\"price\":5}]}}");
      }
      b.append("]}");
      post(http, base + "/v1/batch", key, "application/json", b.toString());
    }
  }

  /**
   * Per message decided since {@code since}: recorded as sent minus its order's timestamp (set by
   * this program as it sent the order), ms.
   */
  private static List<Long> latencies(KairosServer server, long since) {
    return server
        .database()
        .read(
            c -> {
              List<Long> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT updated_at, payload, created_at FROM outbox WHERE status = 'sent'"
                          + " AND created_at >= ?")) {
                ps.setLong(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    JsonNode event = JSON.readTree(rs.getString(2)).path("event");
                    // An email carries its order (the event's timestamp, set by this program as
                    // it sent it); a webhook step carries no event: from its decision.
                    long from =
                        event.hasNonNull("timestamp")
                            ? event.get("timestamp").asLong()
                            : rs.getLong(3);
                    out.add(rs.getLong(1) - from);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
              out.sort(null);
              return out;
            });
  }

  private static long count(KairosServer server, String sql) {
    return server
        .database()
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql);
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  private static void post(HttpClient http, String url, String key, String type, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
