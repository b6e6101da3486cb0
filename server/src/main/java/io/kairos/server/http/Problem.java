package io.kairos.server.http;

import java.util.List;
import java.util.Map;

/**
 * An error as RFC 9457 {@code application/problem+json}: an HTTP status, a short title, a detail
 * for people, and — for bad input — every invalid field with the reason, so a client can fix all of
 * them at once.
 *
 * @param errors one entry per invalid field: {@code field} (a JSON path such as {@code
 *     batch[3].timestamp}) and {@code reason}
 */
public record Problem(int status, String title, String detail, List<FieldError> errors) {

  /** The media type of every error response. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** One invalid field. */
  public record FieldError(String field, String reason) {}

  public Problem {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public static Problem of(int status, String title, String detail) {
    return new Problem(status, title, detail, List.of());
  }

  /** A 400 naming one field. */
  public static Problem badField(String field, String reason) {
    return new Problem(
        400, "Bad Request", field + ": " + reason, List.of(new FieldError(field, reason)));
  }

  /** The response body. */
  public Map<String, Object> body() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("type", "about:blank");
    m.put("title", title);
    m.put("status", status);
    m.put("detail", detail);
    if (!errors.isEmpty()) {
      m.put("errors", errors);
    }
    return m;
  }
}
