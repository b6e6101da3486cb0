package io.kairos.expr;

/** An expression failed on a given input. The engine treats a failed condition as false. */
public final class EvaluationException extends RuntimeException {
  public EvaluationException(String message) {
    super(message);
  }

  public EvaluationException(String message, Throwable cause) {
    super(message, cause);
  }
}
