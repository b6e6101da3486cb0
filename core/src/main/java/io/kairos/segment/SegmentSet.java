package io.kairos.segment;

import io.kairos.expr.Bindings;
import io.kairos.expr.EvaluationException;
import io.kairos.expr.Expression;
import io.kairos.expr.NowThreshold;
import io.kairos.expr.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defined segments, compiled for the engine: ordered so a segment comes after every segment it
 * reads with {@code in_segment}, and indexed by what can change each one's answer — an event name
 * its counts read, any event, profile data, another segment, or time alone.
 */
public final class SegmentSet {

  /** No segments. */
  public static final SegmentSet EMPTY = new SegmentSet(List.of());

  private final Segment[] segments;
  private final Usage[] usages;
  private final Map<String, Integer> index = new HashMap<>();
  private final Map<String, int[]> byName = new HashMap<>();
  private final int[] everyEvent;
  private final int[] profileData;
  private final int[] timeAware;
  private final int[][] dependents;
  private final int[] ordinals;

  /**
   * @param defined in definition order; {@code in_segment} must not form cycles
   */
  public SegmentSet(List<Segment> defined) {
    List<Segment> ordered = order(defined);
    int n = ordered.size();
    this.segments = ordered.toArray(new Segment[0]);
    this.usages = new Usage[n];
    Map<String, List<Integer>> names = new LinkedHashMap<>();
    List<Integer> every = new ArrayList<>();
    List<Integer> data = new ArrayList<>();
    List<Integer> time = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      index.put(segments[i].id(), i);
      Usage u = segments[i].where().usage();
      usages[i] = u;
      for (String name : u.names()) {
        names.computeIfAbsent(name, k -> new ArrayList<>()).add(i);
      }
      if (u.everyEvent() || u.anyName()) {
        every.add(i);
      }
      if (u.profileData() || u.age()) {
        data.add(i); // age reads the zone, which is profile data
      }
      if (u.timeAware()) {
        time.add(i);
      }
    }
    names.forEach((k, v) -> byName.put(k, ints(v)));
    this.everyEvent = ints(every);
    this.profileData = ints(data);
    this.timeAware = ints(time);
    this.ordinals = new int[n];
    java.util.Arrays.fill(ordinals, -1);
    for (int k = 0; k < timeAware.length; k++) {
      ordinals[timeAware[k]] = k;
    }
    this.dependents = new int[n][];
    for (int i = 0; i < n; i++) {
      List<Integer> d = new ArrayList<>();
      for (int j = i + 1; j < n; j++) {
        if (usages[j].segments().contains(segments[i].id())) {
          d.add(j);
        }
      }
      dependents[i] = ints(d);
    }
  }

  public int size() {
    return segments.length;
  }

  public boolean isEmpty() {
    return segments.length == 0;
  }

  /** The i-th segment in evaluation order. */
  public Segment get(int i) {
    return segments[i];
  }

  /** The index of a segment id, or -1. */
  public int indexOf(String id) {
    Integer i = index.get(id);
    return i == null ? -1 : i;
  }

  public Usage usage(int i) {
    return usages[i];
  }

  /** Segments whose counts read this event name. */
  public int[] readingName(String eventName) {
    int[] r = byName.get(eventName);
    return r == null ? NONE : r;
  }

  /**
   * Segments that read what every event changes (last seen, per-name counts in the profile map).
   */
  public int[] readingEveryEvent() {
    return everyEvent;
  }

  /** Segments that read traits, tags, time zone, locale. */
  public int[] readingProfileData() {
    return profileData;
  }

  /** Segments whose answer can change with time alone. */
  public int[] timeAware() {
    return timeAware;
  }

  /** The position of segment i among the {@link #timeAware} ones, or -1. */
  public int timeAwareOrdinal(int i) {
    return ordinals[i];
  }

  /** Segments, later in the order, that read segment i with {@code in_segment}. */
  public int[] dependents(int i) {
    return dependents[i];
  }

  /** Per event name, the longest window a segment's count reads it with, in ms. */
  public Map<String, Long> windows() {
    Map<String, Long> w = new HashMap<>();
    for (Usage u : usages) {
      u.windows().forEach((k, v) -> w.merge(k, v, Math::max));
    }
    return w;
  }

  /** A segment's answer for a profile at a moment, and until when it holds with time alone. */
  public record Outcome(boolean member, long nextChange, String explanation) {}

  /**
   * Evaluates segment i from scratch for the profile and clock of {@code bindings}.
   *
   * <p>The next change is the earliest moment after now at which the answer can differ if no data
   * changes: the earliest change any profile function reported while evaluating (the oldest event
   * leaving a count's window, the next birthday of an age), and for each comparison with {@code
   * now}, its threshold. It is sound because evaluation is a function of the values it read: until
   * one of them changes, it takes the same path to the same answer.
   */
  public Outcome evaluate(int i, Bindings bindings) {
    return evaluate(i, bindings, true);
  }

  /**
   * As {@link #evaluate(int, Bindings)}; without {@code explain} the explanation is null and no
   * text is built (the engine asks for it only when membership changes).
   */
  public Outcome evaluate(int i, Bindings bindings, boolean explain) {
    Expression where = segments[i].where();
    Tracker t = new Tracker(bindings, explain);
    boolean member;
    String head = null;
    try {
      member = where.test(t);
      if (explain) {
        head = where.source() + " is " + member;
      }
    } catch (EvaluationException e) {
      member = false;
      if (explain) {
        head = where.source() + " failed (" + e.getMessage() + "), taken as false";
      }
    }
    long now = bindings.now();
    for (NowThreshold th : usages[i].thresholds()) {
      long x = th.at(t);
      if (x == Long.MIN_VALUE) {
        continue;
      }
      // `now >= x` flips at x, `now > x` a millisecond later.
      if (x > now) {
        t.next = Math.min(t.next, x);
      } else if (x + 1 > now) {
        t.next = Math.min(t.next, x + 1);
      }
    }
    return new Outcome(member, t.next, explain ? head + t.values(where) : null);
  }

  private static final int[] NONE = new int[0];

  private static int[] ints(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  /** Dependencies first, otherwise definition order. */
  private static List<Segment> order(List<Segment> defined) {
    Map<String, Segment> byId = new LinkedHashMap<>();
    defined.forEach(s -> byId.put(s.id(), s));
    List<Segment> out = new ArrayList<>();
    java.util.Set<String> done = new java.util.HashSet<>();
    for (Segment s : defined) {
      visit(s, byId, done, out, 0);
    }
    return out;
  }

  private static void visit(
      Segment s, Map<String, Segment> byId, java.util.Set<String> done, List<Segment> out, int d) {
    if (done.contains(s.id()) || d > byId.size()) {
      return;
    }
    for (String dep : s.where().usage().segments()) {
      Segment x = byId.get(dep);
      if (x != null) {
        visit(x, byId, done, out, d + 1);
      }
    }
    if (done.add(s.id())) {
      out.add(s);
    }
  }
}
