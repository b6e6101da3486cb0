package io.kairos.server.definitions;

import io.kairos.journey.JourneyLoadException.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Definitions that do not load: every problem, each with its document, line and column, as the core
 * loader reports them. Answered as {@code application/problem+json} whose {@code errors} name the
 * field {@code source} for problems in the request's own document, and the other document (such as
 * {@code journeys/welcome}) for problems the change causes elsewhere; each error also carries
 * {@code document}, {@code line} and {@code column}.
 */
public final class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;
  private final transient String requestSource;
  private final transient List<Problem> problems;

  /**
   * @param requestSource the name of the document the request carried, whose problems are reported
   *     under the field {@code source}
   */
  public ValidationException(
      int status, String title, String detail, String requestSource, List<Problem> problems) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.requestSource = requestSource;
    this.problems = List.copyOf(problems);
  }

  /** A 400 for problems of the request's own document (and what it breaks). */
  public static ValidationException invalid(String requestSource, List<Problem> problems) {
    return new ValidationException(
        400, "Bad Request", summary("invalid definitions", problems), requestSource, problems);
  }

  static String summary(String what, List<Problem> problems) {
    if (problems.isEmpty()) {
      return what;
    }
    String first = problems.get(0).toString();
    return problems.size() == 1
        ? what + ": " + first
        : what + ": " + first + " (and " + (problems.size() - 1) + " more)";
  }

  public int status() {
    return status;
  }

  public List<Problem> problems() {
    return problems;
  }

  /** The problem document. */
  public Map<String, Object> body() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "about:blank");
    m.put("title", title);
    m.put("status", status);
    m.put("detail", getMessage());
    m.put("errors", problems.stream().map(p -> error(p, requestSource)).toList());
    return m;
  }

  /** One problem as an error entry (also used in the 200 answer of a validation). */
  static Map<String, Object> error(Problem p, String requestSource) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("field", p.source().equals(requestSource) ? "source" : p.source());
    e.put("reason", p.toString());
    e.put("document", p.source());
    e.put("line", p.line());
    e.put("column", p.column());
    return e;
  }
}
