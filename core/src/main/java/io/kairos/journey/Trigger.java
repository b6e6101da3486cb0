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

  /**
   * The profile entered ({@code entered}) or left a named geofence, as the engine observed from
   * located events. {@code line} and {@code column} place the fence's name in the file, for the
   * check that it is defined.
   */
  record Location(String fence, boolean entered, int line, int column) implements Trigger {}
}
