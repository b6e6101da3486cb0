package io.kairos.expr;

/** Texts of the compiler that tests of other packages compare with. */
public final class ExpressionCompilerFacts {
  public static final String NOW_RULE = Analysis.NOW_RULE;

  private ExpressionCompilerFacts() {}
}
