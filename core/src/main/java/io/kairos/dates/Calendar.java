package io.kairos.dates;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named holiday calendar: named dates that several journeys' schedules reuse, each every year
 * ({@code "12-24"}) or on listed days ({@code ["2026-11-27", "2027-11-26"]}).
 */
public record Calendar(String id, Map<String, List<OccasionRule>> dates) {
  public Calendar {
    dates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dates));
  }

  /** Every date of the calendar. */
  public List<OccasionRule> all() {
    return dates.values().stream().flatMap(List::stream).toList();
  }
}
