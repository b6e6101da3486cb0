package io.kairos.engine;

import io.kairos.expr.Bindings;
import io.kairos.expr.EvaluationException;
import io.kairos.expr.Expression;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a condition and says how it came out, with the values it read, for the decision trace:
 * {@code event.properties.price >= 10 was true (event.properties.price = 25.0)}. A condition that
 * fails to evaluate counts as false, and the explanation says why.
 */
final class Conditions {
  private Conditions() {}

  /** A condition's value and how it came about. */
  record Outcome(boolean value, String explanation) {}

  static Outcome test(Expression condition, Bindings b) {
    try {
      boolean v = condition.test(b);
      return new Outcome(v, condition.source() + " was " + v + values(condition, b));
    } catch (EvaluationException ex) {
      return new Outcome(
          false, condition.source() + " failed (" + ex.getMessage() + "), taken as false");
    }
  }

  /** " (event.properties.price = 25)" for the paths the condition reads. */
  private static String values(Expression condition, Bindings b) {
    List<String> refs = condition.references();
    if (refs.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder(" (");
    for (int i = 0; i < refs.size(); i++) {
      if (i > 0) {
        s.append(", ");
      }
      Object v = lookup(refs.get(i), b);
      s.append(refs.get(i)).append(" = ");
      if (v instanceof String str) {
        s.append('"').append(str).append('"');
      } else {
        s.append(v);
      }
    }
    return s.append(')').toString();
  }

  private static Object lookup(String path, Bindings b) {
    String[] parts = path.split("\\.");
    Object cur =
        switch (parts[0]) {
          case "event" -> b.event();
          case "profile" -> b.profile();
          case "journey" -> b.journey();
          default -> null;
        };
    for (int i = 1; i < parts.length && cur != null; i++) {
      cur = cur instanceof Map<?, ?> m ? m.get(parts[i]) : null;
    }
    return cur;
  }
}
