package io.kairos.channel.http;

import io.kairos.channel.Outcome;

/**
 * The usual reading of an HTTP answer (Standard Webhooks' etiquette): 2xx sent; 3xx failed, the
 * redirect is not followed; 408 retried; 410 gone; 429 and 5xx retried after {@code Retry-After};
 * any other status failed.
 */
public final class HttpOutcomes {

  private static final int SNIPPET = 200;

  private HttpOutcomes() {}

  /**
   * @param providerId the provider's id for a 2xx answer, or null
   */
  public static Outcome of(HttpResult.Response r, String providerId) {
    return of(r, providerId, describe(r));
  }

  /**
   * As {@link #of(HttpResult.Response, String)}, with the provider's own account of an error (its
   * error code and message) as the detail of a non-2xx answer.
   */
  public static Outcome of(HttpResult.Response r, String providerId, String errorDetail) {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return new Outcome.Sent(
          providerId,
          "HTTP " + s + (r.truncated() ? " (response cut at " + r.body().length + " bytes)" : ""));
    }
    if (s >= 300 && s < 400) {
      String location = r.header("Location");
      return new Outcome.Failed(
          "HTTP "
              + s
              + " redirect"
              + (location == null ? "" : " to " + location)
              + " not followed; point the URL at the final address");
    }
    if (s == 410) {
      return new Outcome.Gone(errorDetail + " (the endpoint is gone)");
    }
    if (s == 408 || s == 429 || s >= 500) {
      return retry(r, errorDetail);
    }
    return new Outcome.Failed(errorDetail);
  }

  /** A retry honouring the answer's {@code Retry-After}. */
  public static Outcome.Retry retry(HttpResult.Response r, String detail) {
    return new Outcome.Retry(detail, RetryAfter.parse(r.header("Retry-After"), r.at()));
  }

  /** {@code HTTP 503: <the start of the body>} on one line. */
  public static String describe(HttpResult.Response r) {
    String text = r.text().strip();
    if (text.length() > SNIPPET) {
      text = text.substring(0, SNIPPET) + "…";
    }
    text = text.replaceAll("\\p{Cntrl}+", " ");
    return text.isEmpty() ? "HTTP " + r.status() : "HTTP " + r.status() + ": " + text;
  }
}
