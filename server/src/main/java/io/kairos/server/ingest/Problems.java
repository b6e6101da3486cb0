package io.kairos.server.ingest;

import io.javalin.http.Context;
import io.kairos.server.http.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Problem documents of the tracking API that list invalid messages by index (or line). */
final class Problems {
  private Problems() {}

  /** A sender's value cut to 40 characters, for one-line messages. */
  static String cut(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** The {@code errors} entries: {@code {index, field, reason}} (or {@code line, column}). */
  static List<Map<String, Object>> entries(List<ItemError> errors, boolean lines) {
    List<Map<String, Object>> out = new ArrayList<>(errors.size());
    for (ItemError e : errors) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(lines ? "line" : "index", e.index());
      m.put(lines ? "column" : "field", e.field());
      m.put("reason", e.reason());
      out.add(m);
    }
    return out;
  }

  /** Answers with a problem whose {@code errors} name the invalid messages. */
  static void send(
      Context ctx,
      int status,
      String title,
      String detail,
      List<ItemError> errors,
      boolean lines,
      Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (extra != null) {
      body.putAll(extra);
    }
    body.put("errors", entries(errors, lines));
    ctx.status(status).json(body);
    ctx.contentType(Problem.MEDIA_TYPE);
  }
}
