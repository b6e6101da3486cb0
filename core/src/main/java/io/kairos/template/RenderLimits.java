package io.kairos.template;

/**
 * The bounds of one render. Loop iterations and output size are counted per field.
 *
 * @param maxTemplateChars the longest field text that compiles (default 262,144)
 * @param maxLoopIterations the most {@code for}/{@code tablerow} iterations in one field, nested
 *     loops counted together (default 10,000)
 * @param maxOutputChars the longest rendered field, and the longest text or list any filter may
 *     produce (default 1,048,576)
 */
public record RenderLimits(int maxTemplateChars, int maxLoopIterations, int maxOutputChars) {
  public static final RenderLimits DEFAULTS = new RenderLimits(262_144, 10_000, 1_048_576);

  /**
   * @throws IllegalArgumentException naming the limit that is below 1
   */
  public RenderLimits {
    positive("maxTemplateChars", maxTemplateChars);
    positive("maxLoopIterations", maxLoopIterations);
    positive("maxOutputChars", maxOutputChars);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": must be at least 1, got " + value);
    }
  }
}
