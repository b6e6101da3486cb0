package io.kairos.assign;

import io.kairos.journey.Doc;
import io.kairos.journey.Fields;
import io.kairos.journey.References;
import io.kairos.time.Timestamps;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads the {@code pools:} section of a definitions file. */
public final class PoolReader {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-4]):[0-5][0-9]");
  private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  private final Doc doc;

  public PoolReader(Doc doc) {
    this.doc = doc;
  }

  /**
   * The pools of one {@code pools:} section; invalid ones are left out (and reported).
   *
   * @param refs where the lifecycle stages named by {@code release_at} are recorded for checking
   */
  public List<Pool> pools(Node node, References refs) {
    List<Pool> out = new ArrayList<>();
    MappingNode m = doc.mapping(node, "pools");
    if (m == null) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : m.getValue()) {
      String id = doc.key(t.getKeyNode());
      if (id == null) {
        continue;
      }
      if (!ID.matcher(id).matches()) {
        doc.problem(
            t.getKeyNode(),
            "invalid pool id '" + id + "': use lowercase letters, digits, '-' and '_'");
        continue;
      }
      if (!seen.add(id)) {
        doc.problem(t.getKeyNode(), "duplicate pool '" + id + "'");
        continue;
      }
      Pool p = pool(id, t.getValueNode(), refs);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private Pool pool(String id, Node node, References refs) {
    MappingNode m = doc.mapping(node, id);
    if (m == null) {
      return null;
    }
    Fields f = Fields.of(doc, m, "pool " + id, List.of("reps", "release_at"));
    List<String> release = null;
    if (f.has("release_at")) {
      release = doc.texts(f.get("release_at"), "release_at");
      if (release != null) {
        List<Node> items = ((SequenceNode) f.get("release_at")).getValue();
        for (int i = 0; i < release.size(); i++) {
          refs.expect("stage", release.get(i), doc, items.get(i), "release_at");
        }
      }
    }
    Node repsNode = f.require("reps");
    SequenceNode seq = repsNode == null ? null : doc.sequence(repsNode, "reps");
    if (seq == null) {
      return null;
    }
    if (seq.getValue().isEmpty()) {
      doc.problem(repsNode, "'reps' must have at least one rep");
      return null;
    }
    List<Rep> reps = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    boolean failed = false;
    for (Node item : seq.getValue()) {
      Rep r = rep(item);
      if (r == null) {
        failed = true;
      } else if (!ids.add(r.id())) {
        doc.problem(item, "duplicate rep '" + r.id() + "' in pool " + id);
        failed = true;
      } else {
        reps.add(r);
      }
    }
    if (failed || (f.has("release_at") && release == null)) {
      return null;
    }
    // null release_at: the definitions loader fills in the lifecycle's last stage.
    return new Pool(id, reps, release == null ? List.of() : release);
  }

  private Rep rep(Node node) {
    MappingNode m = doc.mapping(node, "rep");
    if (m == null) {
      return null;
    }
    Fields f =
        Fields.of(
            doc,
            m,
            "rep",
            List.of("id", "name", "weight", "capacity", "timezone", "hours", "out_of_office"));
    Node idNode = f.require("id");
    String id = idNode == null ? null : doc.text(idNode, "id");
    if (id != null && !ID.matcher(id).matches()) {
      doc.problem(
          idNode, "invalid rep id '" + id + "': use lowercase letters, digits, '-' and '_'");
      id = null;
    }
    String name = f.has("name") ? doc.text(f.get("name"), "name") : id;
    int weight = f.has("weight") ? whole(f.get("weight"), "weight", 1) : 1;
    int capacity = f.has("capacity") ? whole(f.get("capacity"), "capacity", 1) : 0;
    ZoneId zone = ZoneOffset.UTC;
    boolean zoneOk = true;
    if (f.has("timezone")) {
      String z = doc.text(f.get("timezone"), "timezone");
      zoneOk = false;
      if (z != null) {
        try {
          zone = ZoneId.of(z);
          zoneOk = true;
        } catch (DateTimeException e) {
          doc.problem(
              f.get("timezone"),
              "unknown time zone '" + z + "'; use an IANA name such as Europe/Berlin");
        }
      }
    } else if (f.has("hours")) {
      doc.problem(m, "missing required key 'timezone' in rep: working hours are in the rep's zone");
      zoneOk = false;
    }
    WorkingHours hours = f.has("hours") ? hours(f.get("hours")) : null;
    List<Rep.Absence> away =
        f.has("out_of_office") ? absences(f.get("out_of_office"), zone) : List.of();
    if (id == null
        || name == null
        || weight < 0
        || capacity < 0
        || !zoneOk
        || (f.has("hours") && hours == null)
        || away == null) {
      return null;
    }
    return new Rep(id, name, weight, capacity, zone, hours, away);
  }

  /** A whole number at least {@code min}, or -1 (reported). */
  private int whole(Node node, String what, int min) {
    Number n = doc.number(node, what);
    if (n == null) {
      return -1;
    }
    if (!(n instanceof Long l) || l < min || l > 1_000_000) {
      doc.problem(node, "'" + what + "' must be a whole number from " + min + ", not " + n);
      return -1;
    }
    return (int) (long) l;
  }

  private WorkingHours hours(Node node) {
    MappingNode m = doc.mapping(node, "hours");
    if (m == null) {
      return null;
    }
    Fields f = Fields.of(doc, m, "hours", List.of("days", "from", "to"));
    Node daysNode = f.require("days");
    Set<DayOfWeek> days = daysNode == null ? null : days(daysNode);
    Node fromNode = f.require("from");
    Node toNode = f.require("to");
    LocalTime from = fromNode == null ? null : time(fromNode, "from");
    LocalTime to = toNode == null ? null : time(toNode, "to");
    if (days == null || from == null || to == null) {
      return null;
    }
    boolean midnight = to.equals(LocalTime.MAX);
    if (!midnight && !from.isBefore(to)) {
      doc.problem(toNode, "'to' must be later than 'from' (" + from + "); use 24:00 for midnight");
      return null;
    }
    return new WorkingHours(days, from, midnight ? LocalTime.MIDNIGHT : to, midnight);
  }

  /** HH:MM; 24:00 comes back as LocalTime.MAX. */
  private LocalTime time(Node node, String what) {
    String t = doc.text(node, what);
    if (t == null) {
      return null;
    }
    if (!TIME.matcher(t).matches() || (t.startsWith("24") && !t.equals("24:00"))) {
      doc.problem(node, "'" + what + "' must be a time of day HH:MM, not '" + t + "'");
      return null;
    }
    return t.equals("24:00") ? LocalTime.MAX : LocalTime.parse(t);
  }

  private Set<DayOfWeek> days(Node node) {
    List<Node> items =
        node instanceof SequenceNode s
            ? s.getValue()
            : node instanceof ScalarNode ? List.of(node) : null;
    if (items == null) {
      doc.problem(node, "'days' must be a list of days (mon ... sun) or a range such as mon-fri");
      return null;
    }
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (Node item : items) {
      String t = doc.text(item, "days");
      if (t == null) {
        return null;
      }
      String[] range = t.toLowerCase(Locale.ROOT).split("-", -1);
      if (range.length > 2 || !DAYS.contains(range[0]) || !DAYS.contains(range[range.length - 1])) {
        doc.problem(
            item,
            "unknown day '" + t + "'; use mon, tue, wed, thu, fri, sat, sun or a range mon-fri");
        return null;
      }
      int a = DAYS.indexOf(range[0]);
      int b = DAYS.indexOf(range[range.length - 1]);
      for (int i = a; ; i = (i + 1) % 7) {
        out.add(DayOfWeek.of(i + 1));
        if (i == b) {
          break;
        }
      }
    }
    if (out.isEmpty()) {
      doc.problem(node, "'days' must name at least one day");
      return null;
    }
    return out;
  }

  private List<Rep.Absence> absences(Node node, ZoneId zone) {
    SequenceNode seq = doc.sequence(node, "out_of_office");
    if (seq == null) {
      return null;
    }
    List<Rep.Absence> out = new ArrayList<>();
    boolean failed = false;
    for (Node item : seq.getValue()) {
      MappingNode m = doc.mapping(item, "out_of_office");
      if (m == null) {
        failed = true;
        continue;
      }
      Fields f = Fields.of(doc, m, "out_of_office", List.of("from", "until"));
      Node fromNode = f.require("from");
      Node untilNode = f.require("until");
      Long from = fromNode == null ? null : instant(fromNode, "from", zone);
      Long until = untilNode == null ? null : instant(untilNode, "until", zone);
      if (from == null || until == null) {
        failed = true;
        continue;
      }
      if (until <= from) {
        doc.problem(untilNode, "'until' must be later than 'from'");
        failed = true;
        continue;
      }
      out.add(new Rep.Absence(from, until));
    }
    out.sort((x, y) -> Long.compare(x.from(), y.from()));
    return failed ? null : out;
  }

  /**
   * A timestamp with an offset (2026-03-09T00:00:00Z), or a local date-time or date
   * (2026-03-09T08:00, 2026-03-09 = its start) in the rep's zone.
   */
  private Long instant(Node node, String what, ZoneId zone) {
    String t = doc.text(node, what);
    if (t == null) {
      return null;
    }
    try {
      return Timestamps.parse(t);
    } catch (IllegalArgumentException e) {
      // not one with an offset; try the local forms
    }
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(zone).toInstant().toEpochMilli();
      }
      return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      doc.problem(
          node,
          "'"
              + what
              + "' must be a date-time such as 2026-03-09T09:00:00Z, 2026-03-09T09:00 (in the"
              + " rep's zone) or a date 2026-03-09, not '"
              + t
              + "'");
      return null;
    }
  }
}
