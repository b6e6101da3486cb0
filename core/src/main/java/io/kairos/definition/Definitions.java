package io.kairos.definition;

import io.kairos.journey.Journey;
import io.kairos.segment.Segment;
import java.util.List;

/**
 * Everything a workspace defines for the engine: journeys and the shared definitions they use.
 * Immutable; a new set is published as a whole.
 *
 * @param journeys the journeys, in file order
 * @param segments the segments, in file order (see {@code docs/segments.md})
 */
public record Definitions(List<Journey> journeys, List<Segment> segments) {

  public Definitions {
    journeys = List.copyOf(journeys);
    segments = List.copyOf(segments);
  }

  /** Journeys and nothing else. */
  public static Definitions of(List<Journey> journeys) {
    return new Definitions(journeys, List.of());
  }
}
