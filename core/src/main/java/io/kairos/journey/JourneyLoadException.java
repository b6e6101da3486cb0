package io.kairos.journey;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A journey definition is invalid. Holds every problem found in the file, not only the first, each
 * with its position, so an author can fix them all in one pass.
 */
public final class JourneyLoadException extends Exception {

  /**
   * One thing wrong with a definition.
   *
   * @param line 1-based
   * @param column 1-based, counted in characters (Unicode code points)
   */
  public record Problem(String source, int line, int column, String message) {
    @Override
    public String toString() {
      return source + ":" + line + ":" + column + ": " + message;
    }
  }

  private final List<Problem> problems;

  public JourneyLoadException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems in the order they appear in the file. */
  public List<Problem> problems() {
    return problems;
  }
}
