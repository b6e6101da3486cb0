package io.kairos.channel.webhook;

import com.sun.net.httpserver.HttpServer;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A scratch measurement, not a test: signed webhooks per second from one {@link WebhookChannel}
 * called by 8 threads, to a JDK HttpServer on loopback that answers 204. Run with the test
 * classpath: {@code java ... io.kairos.channel.webhook.WebhookThroughput [seconds]}.
 */
public final class WebhookThroughput {

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int threads = 8;
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    ExecutorService serverPool = Executors.newFixedThreadPool(threads);
    server.setExecutor(serverPool);
    server.createContext(
        "/",
        exchange -> {
          try (exchange;
              InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            exchange.sendResponseHeaders(204, -1);
          }
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    String body =
        "{\"type\":\"cart.abandoned\",\"timestamp\":\"2025-03-01T10:00:00Z\","
            + "\"data\":{\"profile\":\"p-1\",\"total\":\"42.00\",\"items\":3}}";
    WebhookChannel channel =
        new WebhookChannel(
            WebhookSettings.defaults(WebhookSignature.newSecret())
                .withAllowList(List.of("127.0.0.1")));

    run(channel, url, body, threads, 3); // warm-up
    long sent = run(channel, url, body, threads, seconds);
    System.out.printf(
        "%d threads, %d s: %d webhooks sent, %.0f webhooks/s%n",
        threads, seconds, sent, sent / (double) seconds);
    server.stop(0);
    serverPool.shutdownNow();
  }

  private static long run(WebhookChannel channel, String url, String body, int threads, int s)
      throws InterruptedException {
    LongAdder sent = new LongAdder();
    LongAdder other = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      pool.execute(
          () -> {
            for (long i = 0; !stop.get(); i++) {
              Delivery d =
                  new Delivery(
                      "msg_" + thread + "_" + i,
                      "w",
                      "p",
                      1,
                      new Content.Webhook(url, "POST", Map.of(), body));
              if (channel.send(d) instanceof Outcome.Sent) {
                sent.increment();
              } else {
                other.increment();
              }
            }
          });
    }
    pool.awaitTermination(s, TimeUnit.SECONDS); // the measuring window; nothing terminates it
    stop.set(true);
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.SECONDS);
    if (other.sum() > 0) {
      System.out.println("not sent: " + other.sum());
    }
    return sent.sum();
  }
}
