package io.kairos.server.http;

/** Thrown by a handler to answer with a {@link Problem}; nothing of the request is kept. */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  public static ProblemException badField(String field, String reason) {
    return new ProblemException(Problem.badField(field, reason));
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(Problem.of(404, "Not Found", detail));
  }
}
