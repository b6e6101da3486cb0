package io.kairos.journey;

import java.util.List;

/**
 * A loaded, validated journey version.
 *
 * @param version the first 12 hex digits of the SHA-256 of the definition's text; an instance keeps
 *     the version it entered until it finishes
 * @param source where the definition came from (a file name), for messages
 * @param exitOn events that end every instance of this journey for the profile
 * @param conversion null when the journey measures no conversion
 */
public record Journey(
    String id,
    String name,
    String goal,
    String version,
    String source,
    Trigger trigger,
    EntryPolicy entry,
    List<ExitRule> exitOn,
    Conversion conversion,
    List<Step> steps) {

  /** The index that means "the journey is complete". */
  public int endIndex() {
    return steps.size();
  }
}
