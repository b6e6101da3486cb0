package io.kairos.scoring;

import java.util.List;

/**
 * A named score (say {@code lead_score}): how points are earned and how they fade.
 *
 * @param thresholds values whose crossing, up or down, is announced with a {@code Lead Score
 *     Changed} event, in increasing order; the lifecycle's {@code min_score} values are added to
 *     them
 */
public record ScoreDefinition(
    String name, Decay decay, List<ScoreRule> rules, List<Double> thresholds) {

  public ScoreDefinition {
    rules = List.copyOf(rules);
    thresholds = thresholds.stream().distinct().sorted().toList();
  }
}
