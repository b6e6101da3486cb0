package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoader;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Drives the simulator from a test: journeys from YAML text, events by hand, effects as lines. */
final class Harness {
  private static final JourneyLoader LOADER = new JourneyLoader();
  final List<Effect> effects = new ArrayList<>();
  final List<Timer> timers = new ArrayList<>();
  final Engine engine;
  final Simulator sim;
  private int messages;

  private Harness(List<Journey> journeys) {
    engine = new Engine(JourneySet.of(journeys));
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

  static Harness of(String... yamls) {
    List<Journey> journeys = new ArrayList<>();
    for (int i = 0; i < yamls.length; i++) {
      journeys.add(journey(yamls[i]));
    }
    return new Harness(journeys);
  }

  static Journey journey(String yaml) {
    try {
      return LOADER.load("test.yaml", yaml);
    } catch (JourneyLoadException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  Harness track(String user, String time, String name, Object... props) {
    sim.accept(event(EventType.TRACK, user, null, time, name, map(props), Map.of(), null));
    return this;
  }

  Harness trackIn(String user, String zone, String time, String name) {
    sim.accept(event(EventType.TRACK, user, null, time, name, Map.of(), Map.of(), zone));
    return this;
  }

  Harness anonymous(String anonymousId, String time, String name) {
    sim.accept(event(EventType.TRACK, null, anonymousId, time, name, Map.of(), Map.of(), null));
    return this;
  }

  Harness identify(String user, String anonymousId, String time, Object... traits) {
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

  Harness trigger(String user, String journey, String time, Object... data) {
    sim.trigger(user, journey, map(data), Timestamps.parse(time));
    return this;
  }

  Harness finish(String time) {
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

  /** Effects of one kind (by summary prefix), as lines. */
  List<String> lines(String summaryPrefix) {
    List<String> out = new ArrayList<>();
    for (Effect e : effects) {
      if (e.summary().startsWith(summaryPrefix)) {
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

  private Event event(
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
    return String.join("\n", lines()) + "\n" + Arrays.toString(timers.toArray());
  }
}
