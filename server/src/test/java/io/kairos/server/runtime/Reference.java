package io.kairos.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.definition.Definitions;
import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.Timer;
import io.kairos.event.EventParser;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The simulator's effects for a timeline: what the live runtime must reproduce. */
final class Reference {
  private Reference() {}

  /** Every effect as a trace line ({@link #line}), in the simulator's order. */
  static List<String> run(Definitions definitions, List<String> lines, long end) {
    return run(definitions, lines, end, new ArrayList<>());
  }

  /** Also collects the effects themselves into {@code effects}. */
  @SuppressWarnings("unchecked")
  static List<String> run(
      Definitions definitions, List<String> lines, long end, List<Effect> effects) {
    List<String> out = new ArrayList<>();
    Effects sink =
        new Effects() {
          @Override
          public void emit(Effect e) {
            effects.add(e);
            out.add(line(e.profile(), e.time(), e.journey(), e.step(), e.summary(), e.reason()));
          }

          @Override
          public void schedule(Timer timer) {}
        };
    Simulator sim = new Simulator(new Engine(definitions, ZoneOffset.UTC), sink);
    EventParser parser = new EventParser();
    ObjectMapper json = new ObjectMapper();
    for (String l : lines) {
      EventParser.Result r = parser.parse(l);
      if (r instanceof EventParser.Result.Parsed p) {
        sim.accept(p.event());
        continue;
      }
      try {
        JsonNode n = json.readTree(l);
        Map<String, Object> data =
            n.has("properties")
                ? json.convertValue(n.get("properties"), LinkedHashMap.class)
                : new LinkedHashMap<>();
        sim.trigger(
            n.get("userId").asText(),
            n.get("journey").asText(),
            data,
            Timestamps.parse(n.get("timestamp").asText()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    sim.finish(end);
    return out;
  }

  /** One effect as the tests compare it: profile, time, journey, step, summary and reason. */
  static String line(
      String profile, long time, String journey, String step, String summary, String reason) {
    return profile
        + " | "
        + Timestamps.formatSeconds(time)
        + " | "
        + journey
        + " | "
        + step
        + " | "
        + summary
        + " | "
        + reason;
  }

  /** The ids of the messages and webhook calls among the effects: what the outbox must hold. */
  static java.util.Set<String> outboxIds(List<Effect> effects) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (Effect e : effects) {
      if (e instanceof Effect.Send s) {
        ids.add(s.messageId());
      } else if (e instanceof Effect.WebhookCall w) {
        ids.add(w.id());
      }
    }
    return ids;
  }

  /** The lines of each profile, in order. */
  static Map<String, List<String>> byProfile(List<String> lines) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String l : lines) {
      m.computeIfAbsent(l.substring(0, l.indexOf(" | ")), k -> new ArrayList<>()).add(l);
    }
    return m;
  }
}
