package io.kairos.expr;

/**
 * An expression does not compile: a syntax error, an unknown variable or function, a type that
 * cannot work. Carries where in the expression's text the problem is, so a journey loader can point
 * at the exact column of the file.
 */
public final class ExpressionException extends Exception {

  private final String expression;
  private final int offset;

  /**
   * @param message what is wrong, without the position
   * @param expression the expression's source text
   * @param offset 0-based char offset into {@code expression} where the problem is, or -1 when it
   *     cannot be placed
   */
  public ExpressionException(String message, String expression, int offset) {
    super(message);
    this.expression = expression;
    this.offset = offset;
  }

  /** The expression's source text. */
  public String expression() {
    return expression;
  }

  /** The 0-based char offset into {@link #expression()} where the problem is, or -1. */
  public int offset() {
    return offset;
  }
}
