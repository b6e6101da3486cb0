package io.kairos.journey;

import io.kairos.dates.DateRule;
import io.kairos.dates.Occasions;
import io.kairos.expr.Expression;
import io.kairos.time.Span;
import java.util.List;

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

  /**
   * A date attribute of the profile ({@code profile.birthday}, {@code
   * profile.subscription.renews_at}): fires at {@code rule}'s occurrences of the attribute's date
   * in the profile's time zone, once per occurrence.
   *
   * @param attribute the path as written, e.g. {@code profile.birthday}
   * @param path the trait keys after {@code profile.}, e.g. {@code [subscription, renews_at]}
   * @param where checked when it fires; null for none
   */
  record OnDate(String attribute, List<String> path, DateRule rule, Expression where)
      implements Trigger {
    public OnDate {
      path = List.copyOf(path);
    }
  }

  /**
   * A scheduled occasion: at the occasion's local time in each profile's own zone, every profile in
   * {@code audience} (every profile when null) that also meets {@code where} enters.
   */
  record Schedule(Occasions occasions, String audience, Expression where) implements Trigger {}

  /** The profile entered the segment (its condition became true). */
  record SegmentEntered(String segment) implements Trigger {}

  /** The profile left the segment (its condition became false). */
  record SegmentExited(String segment) implements Trigger {}
}
