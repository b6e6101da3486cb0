package io.kairos.journey;

import io.kairos.expr.Expression;
import io.kairos.time.Span;

/** What starts a journey for a profile. */
public sealed interface Trigger {

  /** An event with this name, optionally matching a condition. */
  record OnEvent(String event, Expression where) implements Trigger {}

  /**
   * No event of any kind for {@code period}. Fires once per quiet period: after it fires, the
   * profile must be active again and then quiet again for another full period.
   */
  record Inactivity(Span period) implements Trigger {}

  /** Only an explicit API call (or {@code --trigger} in the simulator) starts the journey. */
  record Api() implements Trigger {}

  /** The profile entered the segment (its condition became true). */
  record SegmentEntered(String segment) implements Trigger {}

  /** The profile left the segment (its condition became false). */
  record SegmentExited(String segment) implements Trigger {}
}
