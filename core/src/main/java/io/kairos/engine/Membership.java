package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.event.EventType;
import io.kairos.expr.Expression;
import io.kairos.journey.Conversion;
import io.kairos.journey.ExitRule;
import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import io.kairos.journey.Trigger;
import io.kairos.profile.Profile;
import io.kairos.segment.Segment;
import io.kairos.segment.SegmentSet;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps each profile's segment membership current, incrementally: after an event only the segments
 * whose condition can depend on what changed are evaluated again, and a segment whose answer can
 * change with time alone is evaluated again by a timer at the first moment it can (see {@link
 * SegmentSet#evaluate}); there is never a scan of all profiles. Entering and leaving are effects
 * with the condition and the values it read, and derived events ({@value #ENTERED}, {@value
 * #EXITED} with property {@code segment}) that journeys can trigger on and wait for.
 *
 * <p>Also keeps, per profile, the times of the events windowed counts read ({@code count("X",
 * duration("30d"))} in any segment or journey), for as long as the longest such window.
 */
final class Membership {

  static final String ENTERED = "Segment Entered";
  static final String EXITED = "Segment Exited";

  /** The membership of a profile evaluated and found in no segment; shared, never changed. */
  static final Set<String> NOT_IN_ANY = Set.of();

  /** Segment changes one input may cause before the engine calls it a loop. */
  static final int MAX_TRANSITIONS_PER_INPUT = 1_000;

  /** Where membership changes go: the run of the current input. */
  interface Out extends Effects {
    /** Queues a derived event, processed after the current input. */
    void derive(String name, Map<String, Object> properties);

    /** Counts one change against the loop guard; false when the budget is spent. */
    boolean allowTransition();

    /** What conditions see about the profile now (scores and stage included). */
    EngineBindings bindings(Event e, Instance in);
  }

  private final SegmentSet segments;
  private final Map<String, Long> horizons;
  private final ZoneId fallbackZone;

  Membership(List<Segment> segments, List<Journey> journeys, ZoneId fallbackZone) {
    this(new SegmentSet(segments), journeys, fallbackZone);
  }

  private Membership(SegmentSet segments, List<Journey> journeys, ZoneId fallbackZone) {
    this.segments = segments;
    this.fallbackZone = fallbackZone;
    Map<String, Long> h = new HashMap<>(segments.windows());
    for (Journey j : journeys) {
      for (Expression x : expressions(j)) {
        x.usage().windows().forEach((k, v) -> h.merge(k, v, Math::max));
      }
    }
    this.horizons = h;
  }

  /** The same segments, with the windows of newly published journeys. */
  Membership republish(List<Journey> journeys) {
    return new Membership(segments, journeys, fallbackZone);
  }

  SegmentSet segments() {
    return segments;
  }

  // ---- inputs ------------------------------------------------------------------------------

  /**
   * After an event has been absorbed: keeps its time if a windowed count reads its name, then
   * re-evaluates the segments it can affect (all of them the first time a profile is seen).
   *
   * @param activity false for a derived event, which changes only counts
   */
  void afterEvent(ProfileState state, Event e, boolean activity, long now, Out out) {
    Profile profile = state.profile();
    if (!horizons.isEmpty()) {
      Long horizon = horizons.get(e.name());
      if (horizon != null) {
        profile.recordTime(e.name(), e.timestamp(), now, horizon);
      }
    }
    if (segments.isEmpty()) {
      return;
    }
    boolean[] dirty;
    if (state.segments == null) {
      dirty = all();
    } else {
      dirty = new boolean[segments.size()];
      mark(dirty, segments.readingName(e.name()));
      mark(dirty, segments.readingEveryEvent());
      if (activity && changesProfileData(e)) {
        mark(dirty, segments.readingProfileData());
      }
    }
    update(state, dirty, now, out, "after event '" + e.name() + "'");
  }

  /** After a journey's update step changed traits or tags. */
  void afterUpdate(ProfileState state, String journey, String step, long now, Out out) {
    afterDataChange(state, now, out, "after step " + step + " of journey " + journey);
  }

  /**
   * After scores or the lifecycle stage may have changed (a scoring rule matched, points expired,
   * decay crossed a threshold): they are profile data, like traits.
   */
  void afterScoring(ProfileState state, long now, Out out, String cause) {
    afterDataChange(state, now, out, cause);
  }

  private void afterDataChange(ProfileState state, long now, Out out, String cause) {
    if (segments.isEmpty()) {
      return;
    }
    boolean[] dirty;
    if (state.segments == null) {
      dirty = all();
    } else {
      dirty = new boolean[segments.size()];
      mark(dirty, segments.readingProfileData());
      mark(dirty, segments.readingEveryEvent());
    }
    update(state, dirty, now, out, cause);
  }

  /**
   * After {@code source} (an anonymous visitor) was merged into {@code target}: the target's data
   * changed in every way, so all its segments are evaluated again. The source is gone; its
   * membership goes with it, and its timer becomes stale.
   */
  void afterMerge(ProfileState target, ProfileState source, long now, Out out) {
    source.segments = null;
    source.segmentsDue = 0;
    source.segmentNext = null;
    if (segments.isEmpty()) {
      return;
    }
    update(target, all(), now, out, "after merging profile " + source.profile().id());
  }

  /** A segment timer: re-evaluates the time-aware segments now due, unless the timer is stale. */
  void onTimer(ProfileState state, Timer t, long now, Out out) {
    if (state.segmentsDue != t.due() || segments.isEmpty() || state.segmentNext == null) {
      return; // stale: a timer for another moment was armed since
    }
    state.segmentsDue = 0;
    boolean[] dirty = new boolean[segments.size()];
    int[] timeAware = segments.timeAware();
    for (int k = 0; k < timeAware.length; k++) {
      if (state.segmentNext[k] <= now) {
        dirty[timeAware[k]] = true;
      }
    }
    update(state, dirty, now, out, "as time passed");
  }

  // ---- evaluation --------------------------------------------------------------------------

  /**
   * Evaluates the dirty segments in order (a segment after those it reads), records changes, marks
   * the segments that read a changed one, and arms the timer for the earliest time-aware change.
   */
  private void update(ProfileState state, boolean[] dirty, long now, Out out, String cause) {
    if (state.segments == null) {
      state.segments = NOT_IN_ANY;
    }
    String profileId = state.profile().id();
    EngineBindings b = out.bindings(null, null);
    for (int i = 0; i < dirty.length; i++) {
      if (!dirty[i]) {
        continue;
      }
      Segment s = segments.get(i);
      SegmentSet.Outcome o = segments.evaluate(i, b, false);
      int ordinal = segments.timeAwareOrdinal(i);
      if (ordinal >= 0) {
        if (state.segmentNext == null && o.nextChange() != Long.MAX_VALUE) {
          state.segmentNext = new long[segments.timeAware().length];
          java.util.Arrays.fill(state.segmentNext, Long.MAX_VALUE);
        }
        if (state.segmentNext != null) {
          state.segmentNext[ordinal] = o.nextChange();
        }
      }
      boolean was = state.inSegment(s.id());
      if (o.member() == was) {
        continue;
      }
      if (!out.allowTransition()) {
        break; // the loop guard: segments that keep flipping each other's derived events
      }
      String why = cause + ": " + segments.evaluate(i, b, true).explanation();
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("segment", s.id());
      if (o.member()) {
        if (state.segments == NOT_IN_ANY) {
          state.segments = new LinkedHashSet<>(4);
        }
        state.segments.add(s.id());
        out.emit(new Effect.SegmentEntered(s.id(), profileId, now, why));
        out.derive(ENTERED, props);
      } else {
        state.segments.remove(s.id());
        if (state.segments.isEmpty()) {
          state.segments = NOT_IN_ANY;
        }
        out.emit(new Effect.SegmentExited(s.id(), profileId, now, why));
        out.derive(EXITED, props);
      }
      mark(dirty, segments.dependents(i));
    }
    arm(state, out);
  }

  /**
   * Arms the profile's one segment timer for the earliest next change, unless one is armed for it
   * already. An armed timer that is now later than needed is replaced (it becomes stale); one that
   * is earlier than needed fires, finds nothing due and arms the right one.
   */
  private void arm(ProfileState state, Out out) {
    if (state.segmentNext == null) {
      return;
    }
    long next = Long.MAX_VALUE;
    int which = -1;
    for (int k = 0; k < state.segmentNext.length; k++) {
      if (state.segmentNext[k] < next) {
        next = state.segmentNext[k];
        which = k;
      }
    }
    if (next != Long.MAX_VALUE && (state.segmentsDue == 0 || next < state.segmentsDue)) {
      state.segmentsDue = next;
      String id = segments.get(segments.timeAware()[which]).id();
      out.schedule(Timer.segment(state.profile().id(), next, id));
    }
  }

  /** The reason a segment trigger gives for entering a journey. */
  static String why(Trigger t) {
    if (t instanceof Trigger.SegmentEntered s) {
      return "entered segment '" + s.segment() + "'";
    }
    return "left segment '" + ((Trigger.SegmentExited) t).segment() + "'";
  }

  private boolean[] all() {
    boolean[] d = new boolean[segments.size()];
    java.util.Arrays.fill(d, true);
    return d;
  }

  private static void mark(boolean[] dirty, int[] which) {
    for (int i : which) {
      dirty[i] = true;
    }
  }

  /** Whether absorbing the event changed traits, time zone or locale. */
  private static boolean changesProfileData(Event e) {
    return (e.type() == EventType.IDENTIFY && !e.traits().isEmpty())
        || e.context().timezone() != null
        || e.context().locale() != null;
  }

  /** Every expression of a journey, to find the windows its counts read. */
  static Collection<Expression> expressions(Journey j) {
    List<Expression> x = new java.util.ArrayList<>();
    if (j.trigger() instanceof Trigger.OnEvent on && on.where() != null) {
      x.add(on.where());
    }
    for (ExitRule r : j.exitOn()) {
      if (r.where() != null) {
        x.add(r.where());
      }
    }
    Conversion c = j.conversion();
    if (c != null) {
      if (c.where() != null) {
        x.add(c.where());
      }
      if (c.value() != null) {
        x.add(c.value());
      }
    }
    for (Step s : j.steps()) {
      if (s instanceof Step.WaitFor w && w.where() != null) {
        x.add(w.where());
      } else if (s instanceof Step.Branch br) {
        br.cases().forEach(k -> x.add(k.condition()));
      } else if (s instanceof Step.Update u) {
        x.addAll(u.set().values());
      } else if (s instanceof Step.Emit em) {
        x.addAll(em.properties().values());
      } else if (s instanceof Step.Webhook w) {
        x.addAll(w.body().values());
      } else if (s instanceof Step.Send send) {
        x.addAll(send.data().values());
      }
    }
    return x;
  }

  private static final java.util.regex.Pattern PRODUCT_CALL =
      java.util.regex.Pattern.compile("\\b(recommendations|cart|recently_viewed)\\s*\\(");

  /**
   * Whether any journey calls the product functions ({@code recommendations}, {@code cart}, {@code
   * recently_viewed}): only then, or with a catalogue, does the engine keep shopping history.
   */
  static boolean usesProducts(List<Journey> journeys) {
    for (Journey j : journeys) {
      for (Expression x : expressions(j)) {
        if (PRODUCT_CALL.matcher(x.source()).find()) {
          return true;
        }
      }
    }
    return false;
  }

  static String iso(long t) {
    return Timestamps.formatSeconds(t);
  }
}
