package io.kairos.journey;

import io.kairos.time.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads the top level of a journey definition: identity, trigger, entry, exits, conversion. */
final class JourneyReader {

  static final List<String> KEYS =
      List.of("id", "name", "goal", "trigger", "entry", "exit_on", "conversion", "steps");

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final List<String> TRIGGERS =
      List.of(
          "event",
          "inactive_for",
          "api",
          "date",
          "schedule",
          "location_entered",
          "location_exited",
          "segment_entered",
          "segment_exited");

  private final Doc doc;
  private final java.util.Set<String> segments;

  JourneyReader(Doc doc) {
    this(doc, null);
  }

  /**
   * @param segments the defined segment ids, or null when not known (not checked)
   */
  JourneyReader(Doc doc, java.util.Set<String> segments) {
    this.doc = doc;
    this.segments = segments;
  }

  /** The journey, or null when the definition has problems (they are in the doc). */
  Journey read(Node root, String source, String version) {
    MappingNode m = doc.mapping(root, "journey");
    if (m == null) {
      return null;
    }
    Fields f = Fields.of(doc, m, "journey", KEYS);
    Node idNode = f.require("id");
    String id = idNode == null ? null : id(idNode);
    String name = f.has("name") ? doc.text(f.get("name"), "name") : id;
    Node goalNode = f.require("goal");
    String goal = goalNode == null ? null : doc.text(goalNode, "goal");
    Node triggerNode = f.require("trigger");
    Trigger trigger = triggerNode == null ? null : trigger(triggerNode);
    EntryPolicy entry = f.has("entry") ? entry(f.get("entry")) : defaultEntry(trigger);
    List<ExitRule> exitOn = f.has("exit_on") ? exitOn(f.get("exit_on")) : List.of();
    Conversion conversion = f.has("conversion") ? conversion(f.get("conversion")) : null;
    Node stepsNode = f.require("steps");
    List<Step> steps = stepsNode == null ? null : new StepReader(doc).read(stepsNode);
    if (!doc.ok()) {
      return null;
    }
    return new Journey(id, name, goal, version, source, trigger, entry, exitOn, conversion, steps);
  }

  private String id(Node node) {
    String id = doc.text(node, "id");
    if (id != null && !ID.matcher(id).matches()) {
      doc.problem(
          node,
          "invalid journey id '"
              + id
              + "': use lowercase letters, digits, '-' and '_', starting with a letter or digit");
    }
    return id;
  }

  private Trigger trigger(Node node) {
    if (node instanceof ScalarNode s && !Doc.isNull(s)) {
      if (s.getValue().equals("api")) {
        return new Trigger.Api();
      }
      doc.problem(
          node,
          "unknown trigger '"
              + s.getValue()
              + "'; expected api, or a mapping with "
              + oneOf(TRIGGERS.stream().filter(t -> !t.equals("api")).toList()));
      return null;
    }
    MappingNode m = doc.mapping(node, "trigger");
    if (m == null) {
      return null;
    }
    List<String> keys = new ArrayList<>(TRIGGERS);
    keys.add(1, "where");
    keys.addAll(DateTriggerReader.DATE_KEYS);
    keys.addAll(DateTriggerReader.SCHEDULE_KEYS);
    Fields f = Fields.of(doc, m, "trigger", keys);
    List<String> kinds = TRIGGERS.stream().filter(f::has).toList();
    if (kinds.isEmpty()) {
      doc.problem(node, "trigger needs one of " + oneOf(TRIGGERS));
      return null;
    }
    if (kinds.size() > 1) {
      doc.problem(
          f.keyNode(kinds.get(1)),
          "trigger has both '"
              + kinds.get(0)
              + "' and '"
              + kinds.get(1)
              + "'; a journey has one trigger");
      return null;
    }
    String kind = kinds.get(0);
    if (f.has("where") && (kind.equals("inactive_for") || kind.equals("api"))) {
      doc.problem(f.keyNode("where"), "'where' applies only to an event, date or schedule trigger");
    }
    for (String k : DateTriggerReader.DATE_KEYS) {
      if (f.has(k) && !kind.equals("date")) {
        doc.problem(f.keyNode(k), "'" + k + "' applies only to a date trigger");
      }
    }
    for (String k : DateTriggerReader.SCHEDULE_KEYS) {
      if (f.has(k) && !kind.equals("schedule")) {
        doc.problem(f.keyNode(k), "'" + k + "' applies only to a schedule trigger");
      }
    }
    switch (kind) {
      case "event":
        return new Trigger.OnEvent(
            doc.text(f.get("event"), "event"),
            f.has("where") ? doc.condition(f.get("where"), "where") : null);
      case "date":
        return new DateTriggerReader(doc)
            .date(f, f.has("where") ? doc.condition(f.get("where"), "where") : null);
      case "schedule":
        Trigger schedule =
            new DateTriggerReader(doc)
                .schedule(f, f.has("where") ? doc.condition(f.get("where"), "where") : null);
        if (schedule instanceof Trigger.Schedule s && s.audience() != null) {
          segment(f.get("audience"), "audience"); // an audience is a segment: it must exist
        }
        return schedule;
      case "inactive_for":
        return new Trigger.Inactivity(doc.span(f.get("inactive_for"), "inactive_for", true));
      case "location_entered":
      case "location_exited":
        return location(f.get(kinds.get(0)), kinds.get(0));
      case "segment_entered":
        return new Trigger.SegmentEntered(segment(f.get("segment_entered"), "segment_entered"));
      case "segment_exited":
        return new Trigger.SegmentExited(segment(f.get("segment_exited"), "segment_exited"));
      default:
        Boolean api = doc.bool(f.get("api"), "api");
        if (Boolean.FALSE.equals(api)) {
          doc.problem(f.get("api"), "'api' must be true (or write trigger: api)");
        }
        return new Trigger.Api();
    }
  }

  /** "a, b or c". */
  private static String oneOf(List<String> names) {
    return names.size() == 1
        ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1))
            + " or "
            + names.get(names.size() - 1);
  }

  private Trigger location(Node node, String key) {
    String fence = doc.text(node, key);
    if (fence == null) {
      return null;
    }
    int[] at = node.getStartMark().map(m -> new int[] {m.getLine(), m.getColumn()}).orElse(null);
    return new Trigger.Location(
        fence,
        key.equals("location_entered"),
        at == null ? 1 : at[0] + 1,
        at == null ? 1 : at[1] + 1);
  }

  /**
   * {@code once}, except for date and schedule triggers: they fire once per occurrence by
   * themselves, and a yearly birthday journey that could only ever run once would surprise.
   */
  private static EntryPolicy defaultEntry(Trigger trigger) {
    return trigger instanceof Trigger.OnDate || trigger instanceof Trigger.Schedule
        ? EntryPolicy.PARALLEL
        : EntryPolicy.ONCE;
  }

  private String segment(Node node, String what) {
    String id = doc.text(node, what);
    if (id != null && segments != null && !segments.contains(id)) {
      doc.problem(
          node,
          "no segment with id '"
              + id
              + "' for '"
              + what
              + "'; "
              + (segments.isEmpty()
                  ? "no segments are defined (a file with a segments: section)"
                  : "the segments are " + String.join(", ", segments)));
    }
    return id;
  }

  private EntryPolicy entry(Node node) {
    if (node instanceof MappingNode m) {
      Fields f = Fields.of(doc, m, "entry", List.of("once_per"));
      Node period = f.require("once_per");
      Span span = period == null ? null : doc.span(period, "once_per", true);
      return EntryPolicy.oncePer(span);
    }
    String policy = doc.text(node, "entry");
    if (policy == null) {
      return null;
    }
    switch (policy) {
      case "once":
        return EntryPolicy.ONCE;
      case "restart":
        return EntryPolicy.RESTART;
      case "parallel":
        return EntryPolicy.PARALLEL;
      default:
        doc.problem(
            node,
            "unknown entry policy '"
                + policy
                + "'; expected once, restart, parallel or { once_per: <duration> }");
        return null;
    }
  }

  private List<ExitRule> exitOn(Node node) {
    SequenceNode seq = doc.sequence(node, "exit_on");
    if (seq == null) {
      return null;
    }
    List<ExitRule> rules = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (item instanceof ScalarNode) {
        rules.add(new ExitRule(doc.text(item, "exit_on"), null));
        continue;
      }
      MappingNode m = doc.mapping(item, "exit_on");
      if (m == null) {
        continue;
      }
      Fields f = Fields.of(doc, m, "exit_on", List.of("event", "where"));
      Node event = f.require("event");
      rules.add(
          new ExitRule(
              event == null ? null : doc.text(event, "event"),
              f.has("where") ? doc.condition(f.get("where"), "where") : null));
    }
    return List.copyOf(rules);
  }

  private Conversion conversion(Node node) {
    MappingNode m = doc.mapping(node, "conversion");
    if (m == null) {
      return null;
    }
    Fields f =
        Fields.of(doc, m, "conversion", List.of("event", "where", "within", "value", "exit"));
    Node event = f.require("event");
    Node within = f.require("within");
    Boolean exit = f.has("exit") ? doc.bool(f.get("exit"), "exit") : Boolean.FALSE;
    return new Conversion(
        event == null ? null : doc.text(event, "event"),
        f.has("where") ? doc.condition(f.get("where"), "where") : null,
        within == null ? null : doc.span(within, "within", true),
        f.has("value") ? doc.expression(f.get("value"), "value") : null,
        Boolean.TRUE.equals(exit));
  }
}
