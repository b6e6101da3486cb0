package io.kairos.server.profiles;

import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Journey stats as JSON: per journey its totals and steps, and per version when split. Steps are
 * shown in the journey's order ({@code trigger}, its steps as defined, {@code end}), then any other
 * step the timeline names ({@code conversion}, {@code exit_on}, steps of older versions) by name.
 */
final class StatsView {
  private StatsView() {}

  /**
   * One journey's stats.
   *
   * @param journey the live definition (for the order of its steps), or null
   * @param groups this journey's groups
   */
  static Map<String, Object> journey(
      String id, Journey journey, List<JourneyStats.Group> groups, boolean byVersion) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("journey", id);
    m.put("totals", counters(sum(groups)));
    m.put("steps", steps(journey, groups));
    if (byVersion) {
      Map<String, List<JourneyStats.Group>> byV = new TreeMap<>();
      List<JourneyStats.Group> none = new ArrayList<>();
      for (JourneyStats.Group g : groups) {
        if (g.version() == null) {
          none.add(g);
        } else {
          byV.computeIfAbsent(g.version(), k -> new ArrayList<>()).add(g);
        }
      }
      List<Map<String, Object>> versions = new ArrayList<>();
      byV.forEach((v, gs) -> versions.add(version(v, journey, gs)));
      if (!none.isEmpty()) {
        // Refused entries name no version: the customer never entered one.
        versions.add(version(null, journey, none));
      }
      m.put("versions", versions);
    }
    return m;
  }

  private static Map<String, Object> version(
      String version, Journey journey, List<JourneyStats.Group> groups) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("totals", counters(sum(groups)));
    m.put(
        "steps",
        steps(journey != null && journey.version().equals(version) ? journey : null, groups));
    return m;
  }

  private static List<Map<String, Object>> steps(Journey journey, List<JourneyStats.Group> groups) {
    Map<String, double[]> bySteps = new LinkedHashMap<>();
    for (JourneyStats.Group g : groups) {
      String step = g.step() == null ? "" : g.step();
      bySteps.merge(step, g.values().clone(), StatsView::add);
    }
    List<String> order = new ArrayList<>();
    order.add("trigger");
    if (journey != null) {
      for (Step s : journey.steps()) {
        order.add(s.info().id());
      }
    }
    order.add("end");
    List<Map<String, Object>> out = new ArrayList<>();
    for (String step : order) {
      double[] v = bySteps.remove(step);
      if (v != null) {
        out.add(step(step, v));
      }
    }
    new TreeMap<>(bySteps).forEach((step, v) -> out.add(step(step, v)));
    return out;
  }

  private static Map<String, Object> step(String step, double[] values) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.putAll(counters(values));
    return m;
  }

  private static double[] sum(List<JourneyStats.Group> groups) {
    double[] total = new double[JourneyStats.COUNTERS.size()];
    for (JourneyStats.Group g : groups) {
      add(total, g.values());
    }
    return total;
  }

  private static double[] add(double[] into, double[] more) {
    for (int i = 0; i < into.length; i++) {
      into[i] += more[i];
    }
    return into;
  }

  /** The counters by name: counts as whole numbers, revenue as decimals. */
  static Map<String, Object> counters(double[] values) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      String name = JourneyStats.COUNTERS.get(i);
      if (name.endsWith("revenue")) {
        m.put(name, values[i]);
      } else {
        m.put(name, Math.round(values[i]));
      }
    }
    return m;
  }
}
