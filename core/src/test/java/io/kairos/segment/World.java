package io.kairos.segment;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.journey.JourneyLoadException;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Definitions from YAML, a simulator over them, events by hand, effects as lines. */
final class World {
  final List<Effect> effects = new ArrayList<>();
  final List<Timer> timers = new ArrayList<>();
  final Engine engine;
  final Simulator sim;
  private int messages;

  World(ZoneId fallback, String... files) {
    engine = new Engine(load(files), fallback);
    sim =
        new Simulator(
            engine,
            new Effects() {
              @Override
              public void emit(Effect effect) {
                effects.add(effect);
              }

              @Override
              public void schedule(Timer timer) {
                timers.add(timer);
              }
            });
  }

  static World of(String... files) {
    return new World(ZoneOffset.UTC, files);
  }

  static Definitions load(String... files) {
    List<DefinitionLoader.Source> sources = new ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      sources.add(new DefinitionLoader.Source("f" + i + ".yaml", files[i]));
    }
    try {
      return new DefinitionLoader().load(sources);
    } catch (JourneyLoadException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  World track(String user, String time, String name, Object... props) {
    sim.accept(event(EventType.TRACK, user, null, time, name, map(props), Map.of(), null));
    return this;
  }

  World trackIn(String user, String zone, String time, String name) {
    sim.accept(event(EventType.TRACK, user, null, time, name, Map.of(), Map.of(), zone));
    return this;
  }

  World anonymous(String anonymousId, String time, String name) {
    sim.accept(event(EventType.TRACK, null, anonymousId, time, name, Map.of(), Map.of(), null));
    return this;
  }

  World identify(String user, String anonymousId, String time, Object... traits) {
    sim.accept(
        event(
            EventType.IDENTIFY,
            user,
            anonymousId,
            time,
            Event.IDENTIFY,
            Map.of(),
            map(traits),
            null));
    return this;
  }

  World identifyIn(String user, String zone, String time, Object... traits) {
    sim.accept(
        event(EventType.IDENTIFY, user, null, time, Event.IDENTIFY, Map.of(), map(traits), zone));
    return this;
  }

  World finish(String time) {
    sim.finish(Timestamps.parse(time));
    return this;
  }

  /** Every effect as "time journey profile step summary". */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Effect e : effects) {
      out.add(line(e));
    }
    return out;
  }

  /** Effects whose journey starts with the prefix, as lines. */
  List<String> lines(String journeyPrefix) {
    List<String> out = new ArrayList<>();
    for (Effect e : effects) {
      if (e.journey().startsWith(journeyPrefix)) {
        out.add(line(e));
      }
    }
    return out;
  }

  <T extends Effect> List<T> of(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Effect e : effects) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  static String line(Effect e) {
    return Timestamps.formatSeconds(e.time())
        + " "
        + e.journey()
        + " "
        + e.profile()
        + " "
        + e.step()
        + " "
        + e.summary();
  }

  Event event(
      EventType type,
      String user,
      String anon,
      String time,
      String name,
      Map<String, Object> props,
      Map<String, Object> traits,
      String zone) {
    return new Event(
        type,
        "m-" + (++messages),
        user,
        anon,
        Timestamps.parse(time),
        name,
        JsonObject.of(props),
        JsonObject.of(traits),
        zone == null
            ? EventContext.EMPTY
            : new EventContext(zone, null, null, null, JsonObject.of(Map.of("timezone", zone))),
        null,
        null);
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Override
  public String toString() {
    return String.join("\n", lines());
  }
}
