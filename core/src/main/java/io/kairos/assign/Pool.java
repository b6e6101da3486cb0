package io.kairos.assign;

import java.util.List;

/**
 * A team of sales reps that leads are assigned to, in weighted rotation.
 *
 * @param reps in definition order, which breaks ties in the rotation
 * @param releaseAt lifecycle stages at which a lead stops counting against its rep's capacity
 */
public record Pool(String id, List<Rep> reps, List<String> releaseAt) {

  public Pool {
    reps = List.copyOf(reps);
    releaseAt = List.copyOf(releaseAt);
  }

  /** The index of rep {@code id}, or -1. */
  public int indexOf(String repId) {
    for (int i = 0; i < reps.size(); i++) {
      if (reps.get(i).id().equals(repId)) {
        return i;
      }
    }
    return -1;
  }
}
