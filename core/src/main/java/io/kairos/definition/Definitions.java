package io.kairos.definition;

import io.kairos.journey.Journey;
import io.kairos.policy.Policies;
import java.util.List;

/**
 * Everything a workspace defines for the engine: journeys and the shared definitions they use.
 * Immutable; a new set is published as a whole.
 *
 * @param journeys the journeys, in file order
 * @param policies the message policies ({@code policies:}); {@link Policies#NONE} when none
 */
public record Definitions(List<Journey> journeys, Policies policies) {

  public Definitions {
    journeys = List.copyOf(journeys);
    policies = policies == null ? Policies.NONE : policies;
  }

  /** Journeys and nothing else. */
  public static Definitions of(List<Journey> journeys) {
    return new Definitions(journeys, Policies.NONE);
  }
}
