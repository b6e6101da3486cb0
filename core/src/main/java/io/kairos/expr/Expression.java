package io.kairos.expr;

import java.util.List;

/**
 * A compiled condition or value. Compiled once when a journey is loaded; evaluating it does no I/O
 * and cannot loop.
 */
public interface Expression {

  /** The text as written in the journey file. */
  String source();

  /**
   * The value: String, Long, Double, Boolean, null, java.util.List, java.util.Map, or a
   * java.time.Instant / java.time.Duration for timestamp and duration values.
   *
   * @throws EvaluationException when the expression fails on this input (a missing key, a type
   *     mismatch, a division by zero)
   */
  Object evaluate(Bindings bindings);

  /**
   * The value as a condition.
   *
   * @throws EvaluationException when it fails or its value is not a boolean
   */
  default boolean test(Bindings bindings) {
    Object v = evaluate(bindings);
    if (v instanceof Boolean b) {
      return b;
    }
    throw new EvaluationException(
        "condition '"
            + source()
            + "' gave "
            + (v == null ? "null" : v.getClass().getSimpleName())
            + ", not a boolean");
  }

  /**
   * The field paths the expression reads, in order of appearance ({@code event.properties.price},
   * {@code profile.plan}), so a decision trace can show the values it saw. Empty for literals.
   */
  default List<String> references() {
    return List.of();
  }

  /** What the expression depends on: event names and windows, profile data, segments, clock. */
  default Usage usage() {
    return Usage.NONE;
  }

  /** A constant written literally in YAML (a number, a boolean, a list of them). */
  static Expression literal(Object value, String source) {
    return new Literal(value, source);
  }

  /** A literal value. */
  record Literal(Object value, String source) implements Expression {
    @Override
    public Object evaluate(Bindings bindings) {
      return value;
    }
  }
}
