package io.kairos.engine;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.event.Location;
import io.kairos.journey.JourneyLoadException;
import io.kairos.recommend.Catalog;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drives the simulator over whole definitions (journeys plus shared sections and a catalogue), for
 * geofence and recommendation tests; events may carry a location.
 */
final class DefinitionsHarness {
  final List<Effect> effects = new ArrayList<>();
  final Engine engine;
  final Simulator sim;
  private int messages;

  private DefinitionsHarness(Definitions definitions) {
    engine = new Engine(definitions, ZoneOffset.UTC);
    sim =
        new Simulator(
            engine,
            new Effects() {
              @Override
              public void emit(Effect effect) {
                effects.add(effect);
              }

              @Override
              public void schedule(Timer timer) {}
            });
  }

  /** Files as name, text, name, text... */
  static DefinitionsHarness of(Catalog catalog, String... files) {
    List<DefinitionLoader.Source> sources = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      sources.add(new DefinitionLoader.Source(files[i], files[i + 1]));
    }
    try {
      return new DefinitionsHarness(new DefinitionLoader().load(sources).withCatalog(catalog));
    } catch (JourneyLoadException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  DefinitionsHarness at(String user, String time, double lat, double lon) {
    return located(user, null, time, "Location Updated", lat, lon);
  }

  DefinitionsHarness located(
      String user, String anon, String time, String name, double lat, double lon) {
    EventContext c =
        new EventContext(
            null,
            null,
            new Location(lat, lon),
            null,
            JsonObject.of(Map.of("location", Map.of("latitude", lat, "longitude", lon))));
    sim.accept(
        new Event(
            EventType.TRACK,
            "m-" + (++messages),
            user,
            anon,
            Timestamps.parse(time),
            name,
            JsonObject.EMPTY,
            JsonObject.EMPTY,
            c,
            null,
            null));
    return this;
  }

  DefinitionsHarness track(String user, String time, String name, Map<String, Object> props) {
    sim.accept(
        new Event(
            EventType.TRACK,
            "m-" + (++messages),
            user,
            null,
            Timestamps.parse(time),
            name,
            JsonObject.of(props),
            JsonObject.EMPTY,
            EventContext.EMPTY,
            null,
            null));
    return this;
  }

  DefinitionsHarness finish(String time) {
    sim.finish(Timestamps.parse(time));
    return this;
  }

  List<String> lines() {
    return effects.stream().map(Harness::line).toList();
  }

  List<String> lines(String summaryPrefix) {
    return effects.stream()
        .filter(e -> e.summary().startsWith(summaryPrefix))
        .map(Harness::line)
        .toList();
  }

  <T extends Effect> List<T> of(Class<T> type) {
    return effects.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
