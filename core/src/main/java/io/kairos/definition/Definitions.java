package io.kairos.definition;

import io.kairos.journey.Journey;
import java.util.List;

/**
 * Everything a workspace defines for the engine: journeys and the shared definitions they use.
 * Immutable; a new set is published as a whole.
 *
 * @param journeys the journeys, in file order
 */
public record Definitions(List<Journey> journeys) {

  public Definitions {
    journeys = List.copyOf(journeys);
  }

  /** Journeys and nothing else. */
  public static Definitions of(List<Journey> journeys) {
    return new Definitions(journeys);
  }
}
