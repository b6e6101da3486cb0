package io.kairos.engine;

import java.util.List;
import java.util.Map;

/**
 * A send step's {@code data} in the decision trace, short enough for one line: lists of products by
 * their ids ({@code products=[jeans, belt]}), other values as they are.
 */
final class DataText {
  private static final int MAX_TEXT = 60;

  private DataText() {}

  /** {@code ""} when there is no data, else {@code "; data: k=v, ..."}. */
  static String of(Map<String, Object> data) {
    if (data.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("; data: ");
    boolean first = true;
    for (Map.Entry<String, Object> e : data.entrySet()) {
      if (!first) {
        b.append(", ");
      }
      first = false;
      b.append(e.getKey()).append('=').append(value(e.getValue()));
    }
    return b.toString();
  }

  private static String value(Object v) {
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        b.append(
            l.get(i) instanceof Map<?, ?> m && m.get("id") != null ? m.get("id") : value(l.get(i)));
      }
      return b.append(']').toString();
    }
    if (v instanceof Map<?, ?> m && m.get("id") != null) {
      return String.valueOf(m.get("id"));
    }
    String s = String.valueOf(v);
    return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
  }
}
