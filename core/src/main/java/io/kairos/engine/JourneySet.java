package io.kairos.engine;

import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import io.kairos.journey.Trigger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The published journeys, indexed for the engine's hot path: which journeys an event name can
 * start, and whether it can matter to an instance in flight at all. Each journey id has a stable
 * slot number, kept across publications, that indexes per-profile entry history.
 */
public final class JourneySet {
  private final Map<String, Journey> byId;
  private final Map<String, Integer> slots;
  private final String[] idsBySlot;
  private final Map<String, Route[]> triggeredBy;
  private final Set<String> instanceEvents;
  private final Route[] inactivity;
  private final Route[] dated;
  private final int datesSignature;
  private final List<Journey> all;
  private final Map<String, Route[]> byFence;
  private final Map<String, Route[]> bySegment;

  private JourneySet(
      List<Journey> journeys, Map<String, Integer> previousSlots, Set<String> previousNames) {
    Map<String, Journey> ids = new LinkedHashMap<>();
    for (Journey j : journeys) {
      if (ids.put(j.id(), j) != null) {
        throw new IllegalArgumentException("journey id '" + j.id() + "' is defined twice");
      }
    }
    this.byId = Collections.unmodifiableMap(ids);
    Map<String, Integer> s = new HashMap<>(previousSlots);
    for (Journey j : journeys) {
      s.computeIfAbsent(j.id(), k -> s.size());
    }
    this.slots = Map.copyOf(s);
    this.idsBySlot = new String[s.size()];
    s.forEach((id, slot) -> idsBySlot[slot] = id);
    Map<String, List<Route>> trig = new HashMap<>();
    Map<String, List<Route>> fences = new HashMap<>();
    // Names stay after a journey changes: instances on an older version may still wait for them.
    Set<String> inst = new HashSet<>(previousNames);
    List<Route> inactive = new ArrayList<>();
    List<Route> datedRoutes = new ArrayList<>();
    int signature = 17;
    Map<String, List<Route>> segment = new HashMap<>();
    for (Journey j : journeys) {
      Route route = new Route(j, s.get(j.id()));
      if (j.trigger() instanceof Trigger.SegmentEntered t) {
        segment.computeIfAbsent(
            Membership.ENTERED + "\u0000" + t.segment(), k -> new ArrayList<>());
        segment.get(Membership.ENTERED + "\u0000" + t.segment()).add(route);
      } else if (j.trigger() instanceof Trigger.SegmentExited t) {
        segment.computeIfAbsent(Membership.EXITED + "\u0000" + t.segment(), k -> new ArrayList<>());
        segment.get(Membership.EXITED + "\u0000" + t.segment()).add(route);
      } else if (j.trigger() instanceof Trigger.OnEvent on) {
        trig.computeIfAbsent(on.event(), k -> new ArrayList<>()).add(route);
      } else if (j.trigger() instanceof Trigger.Inactivity) {
        inactive.add(route);
      } else if (j.trigger() instanceof Trigger.Location l) {
        fences.computeIfAbsent(fenceKey(l.entered(), l.fence()), k -> new ArrayList<>()).add(route);
      } else if (j.trigger() instanceof Trigger.OnDate || j.trigger() instanceof Trigger.Schedule) {
        datedRoutes.add(route);
        // Also over the resolved trigger: a calendar change re-arms without a new file version.
        signature =
            31 * signature
                + (j.id() + "/" + j.version() + "/" + DateTriggers.describe(j.trigger()))
                    .hashCode();
      }
      j.exitOn().forEach(x -> inst.add(x.event()));
      if (j.conversion() != null) {
        inst.add(j.conversion().event());
      }
      for (Step step : j.steps()) {
        if (step instanceof Step.WaitFor w) {
          inst.add(w.event());
        }
      }
    }
    Map<String, Route[]> routes = new HashMap<>();
    trig.forEach((k, v) -> routes.put(k, v.toArray(new Route[0])));
    this.triggeredBy = routes;
    this.instanceEvents = Set.copyOf(inst);
    this.inactivity = inactive.toArray(new Route[0]);
    this.dated = datedRoutes.toArray(new Route[0]);
    this.datesSignature = signature == 0 || signature == ProfileState.MERGED ? 1 : signature;
    this.all = List.copyOf(journeys);
    Map<String, Route[]> f = new HashMap<>();
    fences.forEach((k, v) -> f.put(k, v.toArray(new Route[0])));
    this.byFence = f;
    Map<String, Route[]> seg = new HashMap<>();
    segment.forEach((k, v) -> seg.put(k, v.toArray(new Route[0])));
    this.bySegment = seg;
  }

  /**
   * The journeys a derived {@code Segment Entered} / {@code Segment Exited} event starts: those
   * whose trigger is {@code segment_entered} / {@code segment_exited} for its segment.
   */
  Route[] triggeredBySegment(String eventName, Object segment) {
    if (bySegment.isEmpty() || !(segment instanceof String)) {
      return NO_ROUTES;
    }
    Route[] r = bySegment.get(eventName + "\u0000" + segment);
    return r == null ? NO_ROUTES : r;
  }

  /** A set of journeys; ids must be unique. */
  public static JourneySet of(List<Journey> journeys) {
    return new JourneySet(journeys, Map.of(), Set.of());
  }

  /**
   * The journeys that replace this set. Instances in flight keep the version they entered; new
   * entries use the new versions. Slots of journeys that stay are kept.
   */
  public JourneySet publish(List<Journey> journeys) {
    return new JourneySet(journeys, slots, instanceEvents);
  }

  public List<Journey> journeys() {
    return all;
  }

  public Journey get(String id) {
    return byId.get(id);
  }

  int slot(String journeyId) {
    return slots.get(journeyId);
  }

  /** The slot of a journey id, or -1 when the id never had one in this set's line of sets. */
  int slotOf(String journeyId) {
    Integer slot = slots.get(journeyId);
    return slot == null ? -1 : slot;
  }

  /** How many slots there are: one per journey id published so far, removed ones included. */
  int slotCount() {
    return idsBySlot.length;
  }

  /** The journey id a slot belongs to. */
  String journeyAt(int slot) {
    return idsBySlot[slot];
  }

  /** A journey with its slot, resolved once so the hot path does no lookups by id. */
  record Route(Journey journey, int slot) {}

  private static final Route[] NO_ROUTES = new Route[0];

  Route[] triggeredBy(String eventName) {
    Route[] r = triggeredBy.get(eventName);
    return r == null ? NO_ROUTES : r;
  }

  /** Whether an event of this name can exit, convert or resume any instance of any journey. */
  boolean concernsInstances(String eventName) {
    return instanceEvents.contains(eventName);
  }

  /**
   * The inactivity journey with this id, or null. A scan of the few inactivity journeys, by
   * identity first: a timer carries the very id string of its journey.
   */
  Route inactivityRoute(String journeyId) {
    for (Route r : inactivity) {
      if (r.journey().id() == journeyId) {
        return r;
      }
    }
    for (Route r : inactivity) {
      if (r.journey().id().equals(journeyId)) {
        return r;
      }
    }
    return null;
  }

  Route[] inactivityJourneys() {
    return inactivity;
  }

  /** The journeys started by entering ({@code entered}) or leaving the geofence {@code fence}. */
  Route[] triggeredByLocation(boolean entered, String fence) {
    Route[] r = byFence.isEmpty() ? null : byFence.get(fenceKey(entered, fence));
    return r == null ? NO_ROUTES : r;
  }

  private static String fenceKey(boolean entered, String fence) {
    return (entered ? "entered:" : "exited:") + fence;
  }

  /** The date- and schedule-triggered journeys. */
  Route[] datedJourneys() {
    return dated;
  }

  /** The date- or schedule-triggered journey with this id, or null. */
  Route datedRoute(String journeyId) {
    for (Route r : dated) {
      if (r.journey().id().equals(journeyId)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Stands for the date- and schedule-triggered journeys and their versions: a profile whose timers
   * were armed for another value re-arms them on its next input. Never 0.
   */
  int datesSignature() {
    return datesSignature;
  }
}
