package io.kairos.server.profiles;

import io.javalin.http.Context;
import io.kairos.server.http.ProblemException;
import io.kairos.time.Timestamps;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request's query parameters, checked: only the names a route knows (a misspelt filter must not
 * silently widen a search), each at most once, and typed values; anything else is a 400 naming the
 * parameter.
 */
public final class Params {
  /** Rows per page when {@code limit} is not given. */
  public static final int DEFAULT_LIMIT = 50;

  /** The largest {@code limit} accepted. */
  static final int MAX_LIMIT = 500;

  private final Map<String, List<String>> values;

  private Params(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * The parameters of {@code ctx}.
   *
   * @param known the names the route accepts
   * @param prefix a name prefix the route also accepts ({@code trait.}), or null
   */
  public static Params of(Context ctx, Set<String> known, String prefix) {
    Map<String, List<String>> all = ctx.queryParamMap();
    for (Map.Entry<String, List<String>> e : all.entrySet()) {
      String name = e.getKey();
      if (!known.contains(name) && (prefix == null || !name.startsWith(prefix))) {
        throw ProblemException.badField(
            name,
            "unknown parameter; this route takes "
                + String.join(", ", new java.util.TreeSet<>(known))
                + (prefix == null ? "" : " and " + prefix + "NAME"));
      }
      if (e.getValue().size() > 1) {
        throw ProblemException.badField(name, "given more than once");
      }
    }
    return new Params(all);
  }

  /** The names given, in request order. */
  Set<String> names() {
    return values.keySet();
  }

  /** The value of {@code name}, or null when absent; present but empty is a 400. */
  public String string(String name) {
    List<String> v = values.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    String s = v.get(0);
    if (s.isEmpty()) {
      throw ProblemException.badField(name, "empty; leave the parameter out instead");
    }
    return s;
  }

  /** {@code limit}: 1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}. */
  public int limit() {
    String s = string("limit");
    if (s == null) {
      return DEFAULT_LIMIT;
    }
    int n;
    try {
      n = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw ProblemException.badField(
          "limit", "expected a whole number from 1 to " + MAX_LIMIT + ", got '" + s + "'");
    }
    if (n < 1 || n > MAX_LIMIT) {
      throw ProblemException.badField(
          "limit", "expected a whole number from 1 to " + MAX_LIMIT + ", got " + n);
    }
    return n;
  }

  /** An ISO-8601 timestamp with an offset, as epoch millis, or null when absent. */
  Long time(String name) {
    String s = string(name);
    if (s == null) {
      return null;
    }
    try {
      return Timestamps.parse(s);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badField(
          name, "expected an ISO-8601 timestamp such as 2026-03-01T00:00:00Z, got '" + s + "'");
    }
  }
}
