package io.kairos.dates;

import io.kairos.journey.Doc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a {@code calendars:} section:
 *
 * <pre>
 * calendars:
 *   holidays:
 *     christmas-eve: "12-24"                       # every year
 *     black-friday: ["2026-11-27", "2027-11-26"]   # these days
 * </pre>
 */
public final class CalendarReader {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  private final Doc doc;

  public CalendarReader(Doc doc) {
    this.doc = doc;
  }

  /** Adds the calendars of {@code section} to {@code into}; a name used twice is reported. */
  public void read(Node section, Map<String, Calendar> into) {
    MappingNode m = doc.mapping(section, "calendars");
    if (m == null) {
      return;
    }
    for (NodeTuple t : m.getValue()) {
      String id = name(t.getKeyNode(), "calendar");
      if (id == null) {
        continue;
      }
      if (into.containsKey(id)) {
        doc.problem(t.getKeyNode(), "calendar '" + id + "' is defined twice");
        continue;
      }
      MappingNode dates = doc.mapping(t.getValueNode(), "calendar " + id);
      if (dates == null) {
        continue;
      }
      Map<String, List<OccasionRule>> named = new LinkedHashMap<>();
      for (NodeTuple d : dates.getValue()) {
        String date = name(d.getKeyNode(), "date");
        if (date == null) {
          continue;
        }
        if (named.containsKey(date)) {
          doc.problem(d.getKeyNode(), "date '" + date + "' is named twice in calendar " + id);
          continue;
        }
        List<OccasionRule> rules = rules(d.getValueNode(), id + "." + date);
        if (rules != null) {
          named.put(date, rules);
        }
      }
      into.put(id, new Calendar(id, named));
    }
  }

  private String name(Node key, String what) {
    String name = doc.key(key);
    if (name != null && !NAME.matcher(name).matches()) {
      doc.problem(
          key,
          "invalid "
              + what
              + " name '"
              + name
              + "': use lowercase letters, digits, '-' and '_', starting with a letter or digit");
      return null;
    }
    return name;
  }

  private List<OccasionRule> rules(Node n, String what) {
    List<Node> items = new ArrayList<>();
    if (n instanceof SequenceNode s) {
      items.addAll(s.getValue());
    } else {
      items.add(n);
    }
    List<OccasionRule> out = new ArrayList<>();
    for (Node item : items) {
      if (!(item instanceof ScalarNode)) {
        doc.problem(item, "'" + what + "' must be a date or a list of dates");
        return null;
      }
      String text = doc.text(item, what);
      if (text == null) {
        return null;
      }
      try {
        out.add(OccasionRule.date(text));
      } catch (IllegalArgumentException e) {
        doc.problem(item, e.getMessage());
        return null;
      }
    }
    if (out.isEmpty()) {
      doc.problem(n, "'" + what + "' must name at least one date");
      return null;
    }
    return List.copyOf(out);
  }

  /**
   * The rules a reference stands for: a whole calendar, or one named date of it; null when it names
   * nothing.
   */
  public static List<OccasionRule> resolve(Occasions.CalendarRef ref, Map<String, Calendar> all) {
    Calendar c = all.get(ref.calendar());
    if (c == null) {
      return null;
    }
    return ref.date() == null ? c.all() : c.dates().get(ref.date());
  }
}
