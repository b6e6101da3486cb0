package io.kairos.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Load for the whole-server tests: batches of Segment messages for a few hundred customers that
 * enter the journeys of {@link #writeJourneys}, a client that posts them to {@code /v1/batch} the
 * way a Segment library does, and what each journey must have produced for the events a store
 * holds.
 */
final class TrackingLoad {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The event names the load sends (besides {@code identify}) and the journey each starts. */
  static final String SIGNED_UP = "Signed Up"; // welcome: entry once, a send at once

  static final String TRIAL_STARTED = "Trial Started"; // trial-reminder: once, wait 2s, send
  static final String ORDER_PLACED = "Order Placed"; // receipt: parallel, a send per order
  static final String PAGE_VIEWED = "Page Viewed"; // starts nothing

  private TrackingLoad() {}

  /** Writes the test journeys to {@code dir} (given to the server as {@code --journeys}). */
  static Path writeJourneys(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("welcome.yaml"),
        """
        id: welcome
        goal: Greet every customer who signs up, once
        trigger:
          event: Signed Up
        entry: once
        steps:
          - send: email
            template: welcome
        """);
    Files.writeString(
        dir.resolve("trial-reminder.yaml"),
        """
        # The wait is short so that timers are pending when the server is killed and overdue when
        # it starts again.
        id: trial-reminder
        goal: Remind a customer shortly after the trial starts, once
        trigger:
          event: Trial Started
        entry: once
        steps:
          - wait: 2s
          - send: email
            template: trial-reminder
        """);
    Files.writeString(
        dir.resolve("receipt.yaml"),
        """
        id: receipt
        goal: Confirm every order
        trigger:
          event: Order Placed
        entry: parallel
        steps:
          - send: email
            template: receipt
            category: transactional
        """);
    return dir;
  }

  /** One message of a batch: its id, its customer, and {@code identify} or the track event. */
  record Message(String messageId, String userId, String event) {}

  /** A request body and the messages in it. */
  record Batch(String id, List<Message> messages, String json) {}

  /**
   * A random batch of {@code min} to {@code max} messages for customers {@code c-0} to {@code
   * c-(customers-1)}, with message ids {@code ID-0}, {@code ID-1}, ...
   */
  static Batch batch(Random rnd, String id, int customers, int min, int max) {
    int size = min + rnd.nextInt(max - min + 1);
    List<Message> messages = new ArrayList<>(size);
    List<Map<String, Object>> body = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      String user = "c-" + rnd.nextInt(customers);
      String messageId = id + "-" + i;
      int pick = rnd.nextInt(100);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("messageId", messageId);
      m.put("userId", user);
      String event;
      if (pick < 20) {
        event = "identify";
        m.put("type", "identify");
        m.put(
            "traits",
            Map.of("email", user + "@example.com", "plan", rnd.nextBoolean() ? "pro" : "free"));
      } else {
        event =
            pick < 35
                ? SIGNED_UP
                : pick < 50 ? TRIAL_STARTED : pick < 80 ? ORDER_PLACED : PAGE_VIEWED;
        m.put("type", "track");
        m.put("event", event);
        m.put("properties", Map.of("total", rnd.nextInt(200)));
      }
      messages.add(new Message(messageId, user, event));
      body.add(m);
    }
    try {
      return new Batch(id, messages, JSON.writeValueAsString(Map.of("batch", body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What a request came to: the status ({@code -1} when no answer came: refused connection, reset,
   * timeout) and, for a 200, the counts of the body.
   */
  record Outcome(int status, int accepted, int duplicates, int invalid, String detail) {
    boolean acknowledged() {
      return status == 200;
    }

    boolean unanswered() {
      return status == -1;
    }
  }

  /** Posts batches to one server with an ingest key. */
  static final class Client {
    private final HttpClient http;
    private final URI uri;
    private final String auth;

    Client(int port, String key) {
      this.http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      this.uri = URI.create("http://127.0.0.1:" + port + "/v1/batch");
      this.auth =
          "Basic "
              + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    Outcome post(Batch b) throws InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", auth)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(b.json()))
              .build();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        return new Outcome(-1, 0, 0, 0, e.toString());
      }
      if (response.statusCode() != 200) {
        return new Outcome(response.statusCode(), 0, 0, 0, response.body());
      }
      try {
        JsonNode n = JSON.readTree(response.body());
        return new Outcome(
            200,
            n.path("accepted").asInt(-1),
            n.path("duplicates").asInt(-1),
            n.path("invalid").asInt(-1),
            response.body());
      } catch (IOException e) {
        throw new AssertionError("a 200 without a JSON body: " + response.body(), e);
      }
    }
  }
}
