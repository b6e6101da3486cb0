package io.kairos.geo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which fences one profile is inside, as of its last located event. Small and mutable; owned by the
 * profile's state and touched by one thread at a time.
 */
public final class Presence {
  private final List<String> inside = new ArrayList<>(2);

  /** Epoch millis of the last located event; decides which side wins a profile merge. */
  long locatedAt = Long.MIN_VALUE;

  public boolean contains(String fence) {
    return inside.contains(fence);
  }

  /** The fences the profile is inside, in the order it entered them. */
  public List<String> ids() {
    return List.copyOf(inside);
  }

  public long locatedAt() {
    return locatedAt;
  }

  boolean isEmpty() {
    return inside.isEmpty();
  }

  int size() {
    return inside.size();
  }

  String get(int i) {
    return inside.get(i);
  }

  void add(String fence) {
    inside.add(fence);
  }

  void remove(String fence) {
    inside.remove(fence);
  }

  void retain(Collection<String> fences) {
    inside.retainAll(fences);
  }

  /**
   * A presence as a stored profile kept it: the fences it is inside, in the order it entered them,
   * and the time of its last located event. For a state codec.
   */
  public static Presence restore(List<String> inside, long locatedAt) {
    Presence p = new Presence();
    p.inside.addAll(inside);
    p.locatedAt = locatedAt;
    return p;
  }

  /**
   * The presence after merging two profiles of one customer: the one located last knows where the
   * customer is now. Either may be null.
   */
  public static Presence latest(Presence a, Presence b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return b.locatedAt > a.locatedAt ? b : a;
  }
}
