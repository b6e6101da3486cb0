package io.kairos.dates;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The dates of a scheduled occasion and its local time of day: "10:00" is 10:00 in each customer's
 * own zone, so one occasion rolls across the zones.
 *
 * @param rules the dates, calendar references already resolved
 * @param refs named calendar dates still to resolve against the workspace's calendars; empty once
 *     resolved
 */
public record Occasions(List<OccasionRule> rules, List<CalendarRef> refs, LocalTime at) {

  private static final int MAX_STEPS = 10_000;

  public Occasions {
    rules = List.copyOf(rules);
    refs = List.copyOf(refs);
  }

  /**
   * A reference to a calendar ({@code holidays}) or one of its dates ({@code holidays.christmas}),
   * with where it was written, to report it when it names nothing.
   */
  public record CalendarRef(String calendar, String date, String source, int line, int column) {
    @Override
    public String toString() {
      return date == null ? calendar : calendar + "." + date;
    }
  }

  /**
   * The first occurrence in {@code zone} whose instant is at or after {@code notBefore} and whose
   * date is after {@code firedEpochDay} (Long.MIN_VALUE when none fired yet); null when none.
   */
  public Occurrence next(ZoneId zone, long notBefore, long firedEpochDay) {
    LocalDate d = LocalTimes.date(notBefore, zone).minusDays(1);
    if (firedEpochDay != Long.MIN_VALUE && firedEpochDay + 1 > d.toEpochDay()) {
      d = LocalDate.ofEpochDay(firedEpochDay + 1);
    }
    for (int i = 0; i < MAX_STEPS; i++) {
      LocalDate best = null;
      for (OccasionRule r : rules) {
        LocalDate c = r.onOrAfter(d);
        if (c != null && (best == null || c.isBefore(best))) {
          best = c;
        }
      }
      if (best == null) {
        return null;
      }
      long instant = LocalTimes.instant(best.atTime(at), zone);
      if (instant >= notBefore) {
        return new Occurrence(best, best.atTime(at), instant);
      }
      d = best.plusDays(1);
    }
    return null;
  }

  /** The occasions with calendar references replaced by the dates they name. */
  public Occasions resolve(List<OccasionRule> resolved) {
    List<OccasionRule> all = new ArrayList<>(rules);
    all.addAll(resolved);
    return new Occasions(all, List.of(), at);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    rules.forEach(r -> parts.add(r.toString()));
    refs.forEach(r -> parts.add(r.toString()));
    return parts.stream().collect(Collectors.joining(", ")) + " at " + at;
  }
}
