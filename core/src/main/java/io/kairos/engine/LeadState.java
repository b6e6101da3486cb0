package io.kairos.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A profile's scores, lifecycle stage and open lead assignment; allocated the first time one of
 * them changes. Owned by the profile's writer, like the rest of {@link ProfileState}.
 */
final class LeadState {

  /** One score of the profile. */
  static final class Score {
    /**
     * Half-life and no decay: the value as of {@link #asOf}. Expiry: the sum of {@link #awards}.
     */
    double value;

    long asOf;

    /** How many of the score's thresholds the value had reached when last looked at. */
    int band;

    /** Expiry decay only: the awards still counting, oldest first. */
    List<Award> awards;

    /** Due time of the pending time-only change; 0 when none. */
    long timerDue;

    int token;

    /** Per rule of the score: the local day (epoch day) and points earned on it, for caps. */
    long[] capDay;

    double[] capPoints;
  }

  /** Points given at {@code at}, counting until {@code expires}. */
  record Award(long at, long expires, double points, String rule) {}

  /** An event to derive at the start of the next input (from a merge, which has no run). */
  record Pending(String name, Map<String, Object> properties) {}

  Score[] scores;

  /** Index into the lifecycle's stages; 0, the first stage, until something moves it. */
  int stage;

  /** The pool and rep of the profile's open lead; null when none is open. */
  String pool;

  String owner;

  List<Pending> pending;

  Score score(int index, int count) {
    if (scores == null) {
      scores = new Score[count];
    }
    if (scores[index] == null) {
      scores[index] = new Score();
    }
    return scores[index];
  }

  void later(String name, Map<String, Object> properties) {
    if (pending == null) {
      pending = new ArrayList<>(2);
    }
    pending.add(new Pending(name, properties));
  }
}
