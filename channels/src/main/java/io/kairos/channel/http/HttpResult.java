package io.kairos.channel.http;

import io.kairos.channel.Outcome;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** What one HTTP call came to: an answer, or an outcome already decided without one. */
public sealed interface HttpResult {

  /**
   * The server answered.
   *
   * @param status the status code
   * @param headers the response headers
   * @param body the first bytes of the body, at most the configured cap
   * @param truncated whether the body went on past the cap (the rest was not read)
   * @param at when the answer came, for {@code Retry-After} dates
   */
  record Response(int status, HttpHeaders headers, byte[] body, boolean truncated, Instant at)
      implements HttpResult {

    /** The body as UTF-8 text (possibly cut at the cap). */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** One header's first value, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /**
   * No answer: a {@link Outcome.Retry} when nothing reached the server (refused, connect timeout,
   * unresolvable host), an {@link Outcome.Ambiguous} when the request was on its way.
   */
  record NoResponse(Outcome outcome) implements HttpResult {}
}
