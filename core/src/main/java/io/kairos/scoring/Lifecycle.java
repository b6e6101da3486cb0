package io.kairos.scoring;

import io.kairos.expr.Expression;
import java.util.ArrayList;
import java.util.List;

/**
 * The stages a profile goes through (lead → MQL → SQL → opportunity → customer), in order. Every
 * profile starts in the first stage. A stage with a {@code minScore} is reached when {@link
 * #score()} changes to at least that value; {@link Move}s put a profile in a stage when an event
 * happens. Stages move forward only, unless a move says {@code backward: true} or a journey sets
 * the stage explicitly.
 *
 * @param score the score whose value promotes, or null when no stage has a {@code min_score}
 */
public record Lifecycle(String score, List<Stage> stages, List<Move> moves) {

  /** No lifecycle defined. */
  public static final Lifecycle NONE = new Lifecycle(null, List.of(), List.of());

  public Lifecycle {
    stages = List.copyOf(stages);
    moves = List.copyOf(moves);
  }

  /** One stage; {@code minScore} may be null (reached only through moves or updates). */
  public record Stage(String id, Double minScore) {}

  /**
   * An event that puts the profile in stage {@code to}.
   *
   * @param id {@code move-N}, N counted from 1, for the trace
   * @param where null when every event of the name counts
   */
  public record Move(String id, String event, Expression where, String to, boolean backward) {}

  public boolean defined() {
    return !stages.isEmpty();
  }

  /** The index of stage {@code id}, or -1. */
  public int indexOf(String id) {
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** The ids of the stages, in order. */
  public List<String> ids() {
    List<String> out = new ArrayList<>();
    stages.forEach(s -> out.add(s.id()));
    return out;
  }

  /** The stage thresholds, in stage order. */
  public List<Double> thresholds() {
    List<Double> out = new ArrayList<>();
    for (Stage s : stages) {
      if (s.minScore() != null) {
        out.add(s.minScore());
      }
    }
    return out;
  }
}
