package io.kairos.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client for tests: the JDK's HttpClient reading the stream line by line on
 * its own thread; {@link #next} waits for the next event or comment.
 */
public final class SseClient implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /**
   * One event as the stream sent it; a comment has only {@code comment}; {@link #END} is the end.
   */
  public record Event(String id, String name, String data, String comment) {}

  public static final Event END = new Event(null, null, null, null);

  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final int status;
  private final InputStream body;
  private final Thread reader;

  private SseClient(HttpResponse<InputStream> response) {
    this.status = response.statusCode();
    this.body = response.body();
    this.reader = new Thread(this::read, "test-sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Opens {@code path} with {@code Accept: text/event-stream}.
   *
   * @param lastEventId sent as {@code Last-Event-ID}, or null
   */
  public static SseClient open(int port, String path, String token, String lastEventId) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Accept", "text/event-stream");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    try {
      return new SseClient(CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return status;
  }

  private void read() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      StringBuilder data = null;
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null || name != null) {
            events.add(new Event(id, name, data == null ? null : data.toString(), null));
          }
          id = null;
          name = null;
          data = null;
        } else if (line.startsWith(":")) {
          events.add(new Event(null, null, null, line.substring(1).trim()));
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          String d = line.substring(5);
          d = d.startsWith(" ") ? d.substring(1) : d;
          data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
        }
      }
    } catch (IOException e) {
      // closed: the end
    } finally {
      events.add(END);
    }
  }

  /** The next event or comment; {@link #END} once the stream ended; fails after {@code limit}. */
  public Event next(Duration limit) {
    try {
      Event e = events.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new AssertionError("no event within " + limit);
      }
      if (e == END) {
        events.add(END);
      }
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next event (not a comment). */
  public Event nextEvent(Duration limit) {
    while (true) {
      Event e = next(limit);
      if (e.comment() == null) {
        return e;
      }
    }
  }

  /** Waits for a comment with this text. */
  public void awaitComment(String text, Duration limit) {
    while (true) {
      Event e = next(limit);
      if (e == END) {
        throw new AssertionError("the stream ended before the comment '" + text + "'");
      }
      if (text.equals(e.comment())) {
        return;
      }
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // closing
    }
  }
}
