package io.kairos.definition;

import io.kairos.assign.Pool;
import io.kairos.journey.Journey;
import io.kairos.scoring.Lifecycle;
import io.kairos.scoring.ScoreDefinition;
import java.util.List;

/**
 * Everything a workspace defines for the engine: journeys and the shared definitions they use.
 * Immutable; a new set is published as a whole.
 *
 * @param journeys the journeys, in file order
 * @param scores the {@code scoring:} scores, in file order
 * @param lifecycle the {@code lifecycle:} stages; {@link Lifecycle#NONE} when none is defined
 * @param pools the {@code pools:} of sales reps, in file order
 */
public record Definitions(
    List<Journey> journeys, List<ScoreDefinition> scores, Lifecycle lifecycle, List<Pool> pools) {

  public Definitions {
    journeys = List.copyOf(journeys);
    scores = List.copyOf(scores);
    pools = List.copyOf(pools);
  }

  /** Journeys and nothing else. */
  public static Definitions of(List<Journey> journeys) {
    return new Definitions(journeys, List.of(), Lifecycle.NONE, List.of());
  }
}
