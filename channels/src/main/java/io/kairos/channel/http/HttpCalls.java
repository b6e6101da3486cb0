package io.kairos.channel.http;

import io.kairos.channel.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One HTTP exchange with a bounded wait and a bounded body, and what a broken one means for the
 * message, for the push adapters (Web Push, FCM), which judge the answers themselves; webhooks and
 * SMS go through {@link HttpTransport}.
 */
public final class HttpCalls {
  private HttpCalls() {}

  /** What came of one request: an answer with a status, or a broken exchange already judged. */
  public sealed interface Result {}

  /**
   * An HTTP answer.
   *
   * @param body the first bytes of the body (the rest is not read)
   */
  public record Answer(int status, HttpHeaders headers, String body) implements Result {}

  /** No answer: the connection failed, timed out or broke. */
  public record Broken(Outcome outcome) implements Result {}

  public static HttpClient client(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Sends {@code request} (which carries its own timeout for the answer's headers) and reads at
   * most {@code maxBody} bytes of the body, all within {@code overall}.
   */
  public static Result exchange(
      HttpClient client, HttpRequest request, int maxBody, Duration overall) {
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(request, info -> new Excerpt(maxBody));
    try {
      HttpResponse<byte[]> response = call.get(overall.toMillis(), TimeUnit.MILLISECONDS);
      return new Answer(
          response.statusCode(),
          response.headers(),
          new String(response.body(), StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      call.cancel(true);
      return new Broken(
          new Outcome.Ambiguous("the answer did not finish within " + overall.toMillis() + " ms"));
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      return new Broken(new Outcome.Ambiguous("interrupted while waiting for the answer"));
    } catch (ExecutionException e) {
      return new Broken(broken(e.getCause(), request));
    }
  }

  /**
   * Judges a failed exchange. Before the request was written (no connection, a failed TLS
   * handshake) the message surely did not go: Retry. After (a timeout waiting for the answer, a
   * reset, a closed connection) it may have: Ambiguous.
   */
  public static Outcome broken(Throwable failure, HttpRequest request) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return new Outcome.Retry("no connection to " + request.uri().getHost() + " in time", null);
      }
      if (t instanceof ConnectException) {
        return new Outcome.Retry(
            "could not connect to " + request.uri().getHost() + ": " + describe(t), null);
      }
      if (t instanceof SSLException) {
        return new Outcome.Retry(
            "TLS with " + request.uri().getHost() + " failed: " + describe(t), null);
      }
      if (t instanceof HttpTimeoutException) {
        long millis = request.timeout().map(Duration::toMillis).orElse(-1L);
        return new Outcome.Ambiguous(
            "no answer within " + millis + " ms after the request was sent");
      }
    }
    if (failure instanceof IOException) {
      return new Outcome.Ambiguous("the connection broke: " + describe(failure));
    }
    return new Outcome.Ambiguous("the exchange failed: " + describe(failure));
  }

  /**
   * {@code Retry-After} as a duration: delay-seconds or an HTTP date (RFC 9110 section 10.2.3);
   * null when absent or unreadable, zero when already past.
   */
  public static Duration retryAfter(HttpHeaders headers, Clock clock) {
    String value = headers.firstValue("Retry-After").map(String::strip).orElse(null);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), at.toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /** A body shortened for a detail line. */
  public static String excerpt(String body) {
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /**
   * Keeps the first {@code limit} bytes of a body and stops reading there, so a misbehaving server
   * cannot make the channel buffer megabytes.
   */
  private static final class Excerpt implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Excerpt(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        int take = Math.min(item.remaining(), limit - out.size());
        byte[] bytes = new byte[take];
        item.get(bytes);
        out.write(bytes, 0, take);
        if (out.size() >= limit) {
          subscription.cancel();
          result.complete(out.toByteArray());
          return;
        }
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
