package io.kairos.scoring;

import io.kairos.expr.Expression;
import io.kairos.journey.Doc;
import io.kairos.journey.Fields;
import io.kairos.journey.References;
import io.kairos.time.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads the {@code scoring:} and {@code lifecycle:} sections of a definitions file. */
public final class ScoringReader {

  /** Score names are CEL identifiers, since expressions read them as {@code profile.<name>}. */
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

  private static final Pattern STAGE = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  /** Keys of the profile view a score may not shadow. */
  public static final List<String> RESERVED =
      List.of(
          "id",
          "user_id",
          "anonymous_ids",
          "tags",
          "timezone",
          "locale",
          "first_seen",
          "last_seen",
          "events",
          "lifecycle_stage",
          "owner");

  private final Doc doc;

  public ScoringReader(Doc doc) {
    this.doc = doc;
  }

  /** The scores of one {@code scoring:} section; invalid ones are left out (and reported). */
  public List<ScoreDefinition> scores(Node node) {
    List<ScoreDefinition> out = new ArrayList<>();
    MappingNode m = doc.mapping(node, "scoring");
    if (m == null) {
      return out;
    }
    if (m.getValue().isEmpty()) {
      doc.problem(node, "'scoring' must define at least one score, e.g. lead_score");
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : m.getValue()) {
      String name = doc.key(t.getKeyNode());
      if (name == null) {
        continue;
      }
      if (!seen.add(name)) {
        doc.problem(t.getKeyNode(), "duplicate score '" + name + "'");
        continue;
      }
      if (!NAME.matcher(name).matches()) {
        doc.problem(
            t.getKeyNode(),
            "invalid score name '"
                + name
                + "': use lowercase letters, digits and '_', starting with a letter or '_'");
        continue;
      }
      if (RESERVED.contains(name)) {
        doc.problem(
            t.getKeyNode(),
            "score name '" + name + "' is taken by the profile's own '" + name + "'");
        continue;
      }
      ScoreDefinition s = score(name, t.getValueNode());
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private ScoreDefinition score(String name, Node node) {
    MappingNode m = doc.mapping(node, name);
    if (m == null) {
      return null;
    }
    Fields f = Fields.of(doc, m, "score " + name, List.of("decay", "thresholds", "rules"));
    Decay decay = f.has("decay") ? decay(f.get("decay")) : Decay.NONE;
    List<Double> thresholds = f.has("thresholds") ? thresholds(f.get("thresholds")) : List.of();
    Node rulesNode = f.require("rules");
    List<ScoreRule> rules = rulesNode == null ? null : rules(rulesNode);
    if (decay == null || thresholds == null || rules == null) {
      return null;
    }
    return new ScoreDefinition(name, decay, rules, thresholds);
  }

  private Decay decay(Node node) {
    MappingNode m = doc.mapping(node, "decay");
    if (m == null) {
      return null;
    }
    Fields f = Fields.of(doc, m, "decay", List.of("half_life", "expire_after"));
    if (f.has("half_life") == f.has("expire_after")) {
      doc.problem(node, "'decay' takes exactly one of half_life, expire_after");
      return null;
    }
    if (f.has("expire_after")) {
      Span span = doc.span(f.get("expire_after"), "expire_after", true);
      return span == null ? null : Decay.expireAfter(span);
    }
    Span span = doc.span(f.get("half_life"), "half_life", true);
    if (span == null) {
      return null;
    }
    if (span.months() != 0) {
      doc.problem(
          f.get("half_life"),
          "'half_life' must be given in days or shorter units (a month has no fixed length), not "
              + span);
      return null;
    }
    return Decay.halfLife(span);
  }

  private List<Double> thresholds(Node node) {
    SequenceNode seq = doc.sequence(node, "thresholds");
    if (seq == null) {
      return null;
    }
    List<Double> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      Double v = positive(item, "thresholds");
      if (v == null) {
        return null;
      }
      out.add(v);
    }
    return out;
  }

  private List<ScoreRule> rules(Node node) {
    SequenceNode seq = doc.sequence(node, "rules");
    if (seq == null) {
      return null;
    }
    if (seq.getValue().isEmpty()) {
      doc.problem(node, "'rules' must have at least one rule");
      return null;
    }
    List<ScoreRule> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    boolean failed = false;
    int n = 0;
    for (Node item : seq.getValue()) {
      n++;
      MappingNode m = doc.mapping(item, "rule");
      if (m == null) {
        failed = true;
        continue;
      }
      Fields f =
          Fields.of(
              doc, m, "scoring rule", List.of("id", "event", "where", "points", "max_per_day"));
      String id = "rule-" + n;
      if (f.has("id")) {
        id = doc.text(f.get("id"), "id");
        if (id != null && !STAGE.matcher(id).matches()) {
          doc.problem(
              f.get("id"),
              "invalid rule id '" + id + "': use lowercase letters, digits, '-' and '_'");
        }
      }
      if (id != null && !ids.add(id)) {
        doc.problem(f.has("id") ? f.get("id") : item, "duplicate rule id '" + id + "'");
      }
      Node eventNode = f.require("event");
      String event = eventNode == null ? null : doc.text(eventNode, "event");
      Expression where = f.has("where") ? doc.condition(f.get("where"), "where") : null;
      Node pointsNode = f.require("points");
      Double points = null;
      if (pointsNode != null) {
        Number p = doc.number(pointsNode, "points");
        if (p != null && (!Double.isFinite(p.doubleValue()) || p.doubleValue() == 0)) {
          doc.problem(pointsNode, "'points' must be a number other than 0, not " + p);
        } else if (p != null) {
          points = p.doubleValue();
        }
      }
      Double cap = null;
      if (f.has("max_per_day")) {
        cap = positive(f.get("max_per_day"), "max_per_day");
        if (cap != null && points != null && points < 0) {
          doc.problem(
              f.get("max_per_day"),
              "'max_per_day' caps points earned; this rule takes points away");
          cap = null;
        }
      }
      if (id == null
          || event == null
          || points == null
          || (f.has("where") && where == null)
          || (f.has("max_per_day") && cap == null)) {
        failed = true;
        continue;
      }
      out.add(new ScoreRule(id, event, where, points, cap));
    }
    return failed ? null : out;
  }

  /** The {@code lifecycle:} section, or null when invalid (reported). */
  public Lifecycle lifecycle(Node node, References refs) {
    MappingNode m = doc.mapping(node, "lifecycle");
    if (m == null) {
      return null;
    }
    Fields f = Fields.of(doc, m, "lifecycle", List.of("score", "stages", "moves"));
    String score = null;
    if (f.has("score")) {
      score = doc.text(f.get("score"), "score");
      if (score != null) {
        refs.expect("score", score, doc, f.get("score"), "score");
      }
    }
    Node stagesNode = f.require("stages");
    List<Lifecycle.Stage> stages = stagesNode == null ? null : stages(stagesNode);
    if (stages == null) {
      return null;
    }
    boolean thresholds = stages.stream().anyMatch(s -> s.minScore() != null);
    if (thresholds && score == null && !f.has("score")) {
      doc.problem(m, "missing required key 'score' in lifecycle: stages with min_score need it");
      return null;
    }
    List<String> ids = new ArrayList<>();
    stages.forEach(s -> ids.add(s.id()));
    List<Lifecycle.Move> moves = f.has("moves") ? moves(f.get("moves"), ids) : List.of();
    if (moves == null || !doc.ok()) {
      return null;
    }
    return new Lifecycle(score, stages, moves);
  }

  private List<Lifecycle.Stage> stages(Node node) {
    SequenceNode seq = doc.sequence(node, "stages");
    if (seq == null) {
      return null;
    }
    if (seq.getValue().size() < 2) {
      doc.problem(node, "'stages' must have at least two stages, e.g. lead and customer");
      return null;
    }
    List<Lifecycle.Stage> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    double last = 0;
    boolean failed = false;
    for (Node item : seq.getValue()) {
      String id;
      Double min = null;
      Node idNode = item;
      if (item instanceof ScalarNode) {
        id = doc.text(item, "stage");
      } else {
        MappingNode m = doc.mapping(item, "stage");
        if (m == null) {
          failed = true;
          continue;
        }
        Fields f = Fields.of(doc, m, "stage", List.of("id", "min_score"));
        idNode = f.require("id");
        id = idNode == null ? null : doc.text(idNode, "id");
        if (f.has("min_score")) {
          min = positive(f.get("min_score"), "min_score");
          if (min == null) {
            failed = true;
          } else if (out.isEmpty()) {
            doc.problem(
                f.get("min_score"),
                "the first stage is where every profile starts; it takes no 'min_score'");
            failed = true;
          } else if (min <= last) {
            doc.problem(
                f.get("min_score"),
                "'min_score' must grow from stage to stage: " + fmt(min) + " <= " + fmt(last));
            failed = true;
          } else {
            last = min;
          }
        }
      }
      if (id == null || idNode == null) {
        failed = true;
        continue;
      }
      if (!STAGE.matcher(id).matches()) {
        doc.problem(
            idNode,
            "invalid stage id '"
                + id
                + "': use lowercase letters, digits, '-' and '_', starting with a letter or digit");
        failed = true;
      } else if (!seen.add(id)) {
        doc.problem(idNode, "duplicate stage '" + id + "'");
        failed = true;
      }
      out.add(new Lifecycle.Stage(id, min));
    }
    return failed ? null : out;
  }

  private List<Lifecycle.Move> moves(Node node, List<String> stages) {
    SequenceNode seq = doc.sequence(node, "moves");
    if (seq == null) {
      return null;
    }
    List<Lifecycle.Move> out = new ArrayList<>();
    int n = 0;
    boolean failed = false;
    for (Node item : seq.getValue()) {
      n++;
      MappingNode m = doc.mapping(item, "move");
      if (m == null) {
        failed = true;
        continue;
      }
      Fields f = Fields.of(doc, m, "move", List.of("event", "where", "to", "backward"));
      Node eventNode = f.require("event");
      String event = eventNode == null ? null : doc.text(eventNode, "event");
      Expression where = f.has("where") ? doc.condition(f.get("where"), "where") : null;
      Node toNode = f.require("to");
      String to = toNode == null ? null : doc.text(toNode, "to");
      if (to != null && !stages.contains(to)) {
        doc.problem(toNode, "no stage '" + to + "'; the stages are " + String.join(", ", stages));
        to = null;
      }
      Boolean backward = f.has("backward") ? doc.bool(f.get("backward"), "backward") : false;
      if (event == null || to == null || backward == null || (f.has("where") && where == null)) {
        failed = true;
        continue;
      }
      out.add(new Lifecycle.Move("move-" + n, event, where, to, backward));
    }
    return failed ? null : out;
  }

  private Double positive(Node node, String what) {
    Number n = doc.number(node, what);
    if (n == null) {
      return null;
    }
    if (!(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
      doc.problem(node, "'" + what + "' must be a number greater than 0, not " + n);
      return null;
    }
    return n.doubleValue();
  }

  /**
   * A score for people: 40, 12.5, 39.99 — cut, not rounded, after two decimals, so a value just
   * below a threshold never reads as the threshold itself.
   */
  public static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    return new java.math.BigDecimal(v)
        .setScale(2, java.math.RoundingMode.DOWN)
        .stripTrailingZeros()
        .toPlainString();
  }
}
