package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.event.Location;
import io.kairos.geo.Geofences;
import io.kairos.geo.Presence;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns a located event into geofence transitions: a {@link Effect.LocationChanged} with the
 * distance that decided it, and a derived {@code Location Entered} / {@code Location Exited} event
 * (property {@code fence}) that {@code location_entered} / {@code location_exited} triggers and any
 * {@code wait_for} can react to.
 */
final class Places {
  static final String ENTERED = "Location Entered";
  static final String EXITED = "Location Exited";

  private Places() {}

  static void observe(
      Geofences fences,
      ProfileState state,
      Location at,
      long now,
      Effects out,
      BiConsumer<String, Map<String, Object>> derive) {
    if (state.presence == null) {
      state.presence = new Presence();
    }
    List<Geofences.Transition> moves =
        fences.observe(state.presence, at.latitude(), at.longitude(), now);
    for (Geofences.Transition t : moves) {
      String id = t.fence().id();
      String why =
          (t.entered() ? "entered: " : "left: ")
              + t.position().description()
              + (!t.entered() && t.fence().exitMargin() > 0
                  ? " (exit margin " + Math.round(t.fence().exitMargin()) + " m)"
                  : "");
      out.emit(
          new Effect.LocationChanged(
              id, state.profile().id(), now, t.entered(), at.latitude(), at.longitude(), why));
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("fence", id);
      props.put("latitude", at.latitude());
      props.put("longitude", at.longitude());
      derive.accept(t.entered() ? ENTERED : EXITED, props);
    }
  }

  /** The fence a derived location event is about, or null for any other event. */
  static String fenceOf(Event e) {
    if (!e.name().equals(ENTERED) && !e.name().equals(EXITED)) {
      return null;
    }
    return e.properties().get("fence") instanceof String s ? s : null;
  }
}
