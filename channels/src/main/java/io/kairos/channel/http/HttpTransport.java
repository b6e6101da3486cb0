package io.kairos.channel.http;

import io.kairos.channel.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP client for a channel: HTTP/1.1, no redirects followed, a connect timeout, and each call
 * bounded in time and in the bytes it reads back. Failures become {@link HttpResult.NoResponse}
 * with a {@link Outcome.Retry} when the request cannot have reached the server and an {@link
 * Outcome.Ambiguous} when it may have. Safe for concurrent use.
 *
 * <p>HTTP/1.1 keeps the behaviour plain for customers' endpoints: no {@code h2c} upgrade headers on
 * http URLs, one request per connection at a time.
 */
public final class HttpTransport {

  private final HttpClient client;
  private final InstantSource clock;

  /**
   * @param connectTimeout how long to wait for a TCP (and TLS) connection
   * @param clock the time answers are stamped with, for {@code Retry-After} dates
   */
  public HttpTransport(Duration connectTimeout, InstantSource clock) {
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .build();
    this.clock = clock;
  }

  /**
   * Sends {@code body} with {@code method} and waits at most {@code timeout} for the whole answer,
   * keeping at most {@code maxResponseBytes} of its body.
   *
   * @param request the URI and headers; method, body and timeout are set here
   */
  public HttpResult send(
      HttpRequest.Builder request,
      String method,
      byte[] body,
      Duration timeout,
      int maxResponseBytes) {
    SendingFlag publisher = new SendingFlag(body);
    HttpRequest built = request.method(method, publisher).timeout(timeout).build();
    String target = target(built.uri());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      // The client's request timeout covers connecting and the response head; the body
      // subscriber enforces the same deadline on the body.
      HttpResponse<BoundedBody.Bytes> r =
          client.send(built, info -> new BoundedBody(maxResponseBytes, deadline));
      return new HttpResult.Response(
          r.statusCode(), r.headers(), r.body().bytes(), r.body().truncated(), clock.instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HttpResult.NoResponse(
          publisher.sending()
              ? new Outcome.Ambiguous("interrupted after the request to " + target + " was sent")
              : new Outcome.Retry("interrupted before anything was sent to " + target, null));
    } catch (IOException | RuntimeException e) {
      return failed(e, publisher.sending(), target, timeout);
    }
  }

  private static HttpResult failed(
      Throwable cause, boolean sending, String target, Duration timeout) {
    if (cause instanceof HttpConnectTimeoutException) {
      return retry("connecting to " + target + " timed out");
    }
    if (timeout(cause)) {
      return timedOut(sending, target, timeout);
    }
    if (cause instanceof IOException) {
      String what = describe(cause);
      return sending
          ? new HttpResult.NoResponse(
              new Outcome.Ambiguous(
                  "connection to " + target + " lost after the request was sent (" + what + ")"))
          : retry("could not connect to " + target + " (" + what + ")");
    }
    return new HttpResult.NoResponse(
        new Outcome.Failed("request to " + target + " failed: " + describe(cause)));
  }

  private static HttpResult timedOut(boolean sending, String target, Duration timeout) {
    return sending
        ? new HttpResult.NoResponse(
            new Outcome.Ambiguous(
                "no answer from " + target + " within " + timeout.toMillis() + " ms"))
        : retry("could not reach " + target + " within " + timeout.toMillis() + " ms");
  }

  private static HttpResult retry(String detail) {
    return new HttpResult.NoResponse(new Outcome.Retry(detail, null));
  }

  private static boolean timeout(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof HttpTimeoutException || c instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    String name = t.getClass().getSimpleName();
    return t.getMessage() == null ? name : name + ": " + t.getMessage();
  }

  /** {@code host:port} for details; never the path or query, which may carry tokens. */
  static String target(URI uri) {
    int port = uri.getPort();
    return port < 0 ? uri.getHost() : uri.getHost() + ":" + port;
  }
}
