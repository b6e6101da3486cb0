package io.kairos.definition;

import io.kairos.dates.Calendar;
import io.kairos.journey.Journey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a workspace defines for the engine: journeys and the shared definitions they use.
 * Immutable; a new set is published as a whole.
 *
 * @param journeys the journeys, in file order
 * @param calendars named holiday calendars by id; schedule triggers have them resolved already
 */
public record Definitions(List<Journey> journeys, Map<String, Calendar> calendars) {

  public Definitions {
    journeys = List.copyOf(journeys);
    calendars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(calendars));
  }

  /** Journeys and nothing else. */
  public static Definitions of(List<Journey> journeys) {
    return new Definitions(journeys, Map.of());
  }
}
