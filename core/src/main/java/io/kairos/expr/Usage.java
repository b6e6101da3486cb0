package io.kairos.expr;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an expression depends on, found when it is compiled: which event names and windows its
 * {@code count}/{@code last} calls read, which profile data, which segments, and whether it reads
 * the clock. The engine uses it to keep only the event history expressions need, and to re-evaluate
 * a segment only when something it depends on changed.
 *
 * @param names event names read by {@code count} and {@code last} with a literal name
 * @param anyName a {@code count} or {@code last} whose name is not a literal
 * @param windows per event name, the longest window of a {@code count(name, window)}, in ms
 * @param age whether it calls {@code age}
 * @param segments segment ids read by {@code in_segment} with a literal id
 * @param anySegment reads segments otherwise ({@code in_segment(x)}, {@code profile.segments})
 * @param event whether it reads {@code event}
 * @param journey whether it reads {@code journey}
 * @param everyEvent reads profile keys every event changes: {@code events}, {@code first_seen},
 *     {@code last_seen}, {@code id}, {@code user_id}, {@code anonymous_ids}, or the whole profile
 * @param profileData reads other profile keys: traits, {@code tags}, {@code timezone}, {@code
 *     locale}
 * @param now whether it reads {@code now}
 * @param profileFunctions whether it calls any of {@code count}, {@code last}, {@code age}, {@code
 *     in_segment}
 * @param thresholds for a condition compiled {@link ExpressionCompiler#compileKeptCurrent kept
 *     current}: one per comparison with {@code now}, giving the moment it can flip
 */
public record Usage(
    Set<String> names,
    boolean anyName,
    Map<String, Long> windows,
    boolean age,
    Set<String> segments,
    boolean anySegment,
    boolean event,
    boolean journey,
    boolean everyEvent,
    boolean profileData,
    boolean now,
    boolean profileFunctions,
    List<NowThreshold> thresholds) {

  /** A literal's: nothing. */
  public static final Usage NONE =
      new Usage(
          Set.of(), false, Map.of(), false, Set.of(), false, false, false, false, false, false,
          false, List.of());

  /** Whether the value can change with time alone, with no new data. */
  public boolean timeAware() {
    return now || age || !windows.isEmpty();
  }
}
