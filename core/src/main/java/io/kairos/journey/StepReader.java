package io.kairos.journey;

import io.kairos.expr.Expression;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads the {@code steps:} list of a journey into {@link Step}s with resolved targets. */
final class StepReader {

  /** The key that says what a step does; every step has exactly one. */
  static final List<String> ACTIONS =
      List.of(
          "wait",
          "wait_for",
          "branch",
          "split",
          "send",
          "update",
          "emit",
          "webhook",
          "exit",
          "goto",
          "assign");

  private static final Map<String, List<String>> OPTIONS =
      Map.of(
          "wait_for", List.of("where", "within", "then", "on_timeout"),
          "send", List.of("template", "category", "topic", "expire_after", "data"),
          "emit", List.of("properties"),
          "webhook", List.of("method", "body"),
          "assign", List.of("on_unassigned"));

  static final List<String> CHANNELS = List.of("email", "sms", "push", "webhook", "inbox");

  /**
   * The in-app inbox's first name: journeys written with it still load, and send to {@code inbox}
   * (the dispatcher's channel and the templates' name).
   */
  static final String INBOX_ALIAS = "inapp";

  static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  private final Doc doc;
  private Targets targets;

  StepReader(Doc doc) {
    this.doc = doc;
  }

  /** The steps, or null when any of them is invalid (the problems are in the doc). */
  List<Step> read(Node node) {
    SequenceNode seq = doc.sequence(node, "steps");
    if (seq == null) {
      return null;
    }
    List<Node> items = seq.getValue();
    if (items.isEmpty()) {
      doc.problem(node, "'steps' must have at least one step");
      return null;
    }
    targets = Targets.of(doc, items);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      int line = item.getStartMark().map(m -> m.getLine() + 1).orElse(0);
      steps.add(step(item, new Step.Info(targets.id(i), i, line)));
    }
    if (!doc.ok()) {
      return null;
    }
    List<Step> out = List.copyOf(steps);
    StepGraph.checkLoops(doc, out, items);
    return out;
  }

  private Step step(Node node, Step.Info info) {
    if (node instanceof ScalarNode s && !Doc.isNull(s)) {
      if (s.getValue().equals("exit")) {
        return new Step.Exit(info);
      }
      doc.problem(
          node,
          "unknown step '" + s.getValue() + "'; a step is a mapping such as 'wait: 1h', or exit");
      return null;
    }
    if (!(node instanceof MappingNode m)) {
      doc.problem(
          node,
          "a step must be a mapping such as 'send: email', or exit, not " + Doc.describe(node));
      return null;
    }
    List<NodeTuple> actions = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && ACTIONS.contains(k.getValue())) {
        actions.add(t);
      }
    }
    if (actions.isEmpty()) {
      boolean onlyId =
          m.getValue().stream()
              .allMatch(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("id"));
      if (onlyId) {
        doc.problem(node, "step has no action; expected one of " + String.join(", ", ACTIONS));
      } else {
        // Most likely a misspelt action: name the key rather than a missing action.
        List<String> keys = new ArrayList<>(List.of("id"));
        keys.addAll(ACTIONS);
        Fields.of(doc, m, "step", keys);
      }
      return null;
    }
    String action = ((ScalarNode) actions.get(0).getKeyNode()).getValue();
    if (actions.size() > 1) {
      Node second = actions.get(1).getKeyNode();
      doc.problem(
          second,
          "a step does one thing, but this one has '"
              + action
              + "' and '"
              + ((ScalarNode) second).getValue()
              + "'; split it into two steps");
      return null;
    }
    List<String> allowed = new ArrayList<>(List.of("id", action));
    allowed.addAll(OPTIONS.getOrDefault(action, List.of()));
    Fields f = Fields.of(doc, m, action + " step", allowed);
    Node value = f.get(action);
    return switch (action) {
      case "wait" -> wait(value, info);
      case "wait_for" -> waitFor(f, info);
      case "branch" -> branch(value, info);
      case "split" -> split(value, info);
      case "send" -> send(f, info);
      case "update" -> update(value, info);
      case "emit" -> emit(f, info);
      case "webhook" -> webhook(f, info);
      case "exit" -> exit(value, info);
      case "assign" -> assign(f, info);
      default -> new Step.Goto(info, targets.resolve(value, "goto"));
    };
  }

  private Step wait(Node value, Step.Info info) {
    if (value instanceof MappingNode m) {
      Fields f = Fields.of(doc, m, "wait", List.of("duration"));
      Node duration = f.require("duration");
      return new Step.Wait(info, duration == null ? null : doc.span(duration, "duration", false));
    }
    return new Step.Wait(info, doc.span(value, "wait", false));
  }

  private Step waitFor(Fields f, Step.Info info) {
    Node within = f.require("within");
    return new Step.WaitFor(
        info,
        doc.text(f.get("wait_for"), "wait_for"),
        f.has("where") ? doc.condition(f.get("where"), "where") : null,
        within == null ? null : doc.span(within, "within", true),
        target(f.get("then"), "then", info),
        target(f.get("on_timeout"), "on_timeout", info));
  }

  private Step branch(Node value, Step.Info info) {
    SequenceNode seq = doc.sequence(value, "branch");
    if (seq == null) {
      return null;
    }
    if (seq.getValue().isEmpty()) {
      doc.problem(value, "'branch' must have at least one case");
      return null;
    }
    List<Step.Case> cases = new ArrayList<>();
    int otherwise = info.index() + 1;
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      MappingNode m = doc.mapping(items.get(i), "branch case");
      if (m == null) {
        continue;
      }
      Fields f = Fields.of(doc, m, "branch case", List.of("if", "goto", "else"));
      if (f.has("else")) {
        if (f.has("if") || f.has("goto")) {
          doc.problem(m, "a branch case has 'if' and 'goto', or only 'else'");
        } else if (i != items.size() - 1) {
          doc.problem(f.keyNode("else"), "'else' must be the last case of a branch");
        } else {
          otherwise = targets.resolve(f.get("else"), "else");
        }
        continue;
      }
      Node condition = f.require("if");
      Node target = f.require("goto");
      cases.add(
          new Step.Case(
              condition == null ? null : doc.condition(condition, "if"),
              target == null ? -1 : targets.resolve(target, "goto")));
    }
    if (cases.isEmpty()) {
      doc.problem(value, "'branch' needs at least one 'if' case");
      return null;
    }
    return new Step.Branch(info, List.copyOf(cases), otherwise);
  }

  private Step split(Node value, Step.Info info) {
    MappingNode m = doc.mapping(value, "split");
    if (m == null) {
      return null;
    }
    Fields f = Fields.of(doc, m, "split", List.of("holdout", "arms"));
    double holdout = 0;
    if (f.has("holdout")) {
      Number n = doc.number(f.get("holdout"), "holdout");
      if (n != null && !(n.doubleValue() >= 0 && n.doubleValue() <= 100)) {
        doc.problem(f.get("holdout"), "'holdout' must be a percentage from 0 to 100, not " + n);
      } else if (n != null) {
        holdout = n.doubleValue();
      }
    }
    Node armsNode = f.require("arms");
    SequenceNode seq = armsNode == null ? null : doc.sequence(armsNode, "arms");
    if (seq == null) {
      return null;
    }
    if (seq.getValue().isEmpty()) {
      doc.problem(armsNode, "'arms' must have at least one arm");
      return null;
    }
    List<Step.Arm> arms = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node item : seq.getValue()) {
      MappingNode arm = doc.mapping(item, "arm");
      if (arm == null) {
        continue;
      }
      Fields a = Fields.of(doc, arm, "split arm", List.of("name", "weight", "goto"));
      Node nameNode = a.require("name");
      String name = nameNode == null ? null : doc.text(nameNode, "name");
      if (name != null && !names.add(name)) {
        doc.problem(nameNode, "duplicate arm name '" + name + "'");
      }
      Node weightNode = a.require("weight");
      int weight = weightNode == null ? 0 : weight(weightNode);
      arms.add(new Step.Arm(name, weight, target(a.get("goto"), "goto", info)));
    }
    return new Step.Split(info, List.copyOf(arms), holdout);
  }

  private int weight(Node node) {
    Number n = doc.number(node, "weight");
    if (n == null) {
      return 0;
    }
    if (!(n instanceof Long l) || l <= 0 || l > Integer.MAX_VALUE) {
      doc.problem(node, "'weight' must be a whole number greater than 0, not " + n);
      return 0;
    }
    return (int) (long) l;
  }

  private Step send(Fields f, Step.Info info) {
    String channel = doc.text(f.get("send"), "send");
    if (INBOX_ALIAS.equals(channel)) {
      channel = "inbox";
    }
    if (channel != null && !CHANNELS.contains(channel)) {
      doc.problem(
          f.get("send"),
          "unknown channel '" + channel + "'; expected one of " + String.join(", ", CHANNELS));
    }
    Node template = f.require("template");
    Category category = Category.MARKETING;
    if (f.has("category")) {
      String c = doc.text(f.get("category"), "category");
      Category named = c == null ? null : Category.fromWord(c);
      if (named != null) {
        category = named;
      } else if (c != null) {
        doc.problem(
            f.get("category"),
            "unknown category '"
                + c
                + "'; expected marketing (or promotional), lifecycle or transactional");
      }
    }
    return new Step.Send(
        info,
        channel,
        template == null ? null : doc.text(template, "template"),
        category,
        f.has("topic") ? doc.text(f.get("topic"), "topic") : null,
        f.has("expire_after") ? doc.span(f.get("expire_after"), "expire_after", true) : null,
        f.has("data") ? doc.values(f.get("data"), "data") : Map.of());
  }

  private Step update(Node value, Step.Info info) {
    MappingNode m = doc.mapping(value, "update");
    if (m == null) {
      return null;
    }
    List<String> keys = List.of("set", "unset", "increment", "add_tags", "remove_tags");
    Fields f = Fields.of(doc, m, "update", keys);
    if (keys.stream().noneMatch(f::has)) {
      doc.problem(value, "'update' needs at least one of " + String.join(", ", keys));
      return null;
    }
    Map<String, Expression> set = f.has("set") ? doc.values(f.get("set"), "set") : Map.of();
    List<String> unset = f.has("unset") ? doc.texts(f.get("unset"), "unset") : List.of();
    Map<String, Double> increment = f.has("increment") ? increments(f.get("increment")) : Map.of();
    List<String> add = f.has("add_tags") ? doc.texts(f.get("add_tags"), "add_tags") : List.of();
    List<String> remove =
        f.has("remove_tags") ? doc.texts(f.get("remove_tags"), "remove_tags") : List.of();
    if (set != null && unset != null && increment != null) {
      Set<String> seen = new HashSet<>();
      for (String trait : concat(set.keySet(), unset, increment.keySet())) {
        if (!seen.add(trait)) {
          doc.problem(value, "trait '" + trait + "' is changed twice in one update");
        }
      }
    }
    if (add != null && remove != null) {
      for (String tag : add) {
        if (remove.contains(tag)) {
          doc.problem(value, "tag '" + tag + "' is both added and removed");
        }
      }
    }
    return new Step.Update(info, set, unset, increment, add, remove);
  }

  private Map<String, Double> increments(Node node) {
    MappingNode m = doc.mapping(node, "increment");
    if (m == null) {
      return null;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String trait = doc.key(t.getKeyNode());
      Number n = doc.number(t.getValueNode(), trait);
      if (n != null && !Double.isFinite(n.doubleValue())) {
        doc.problem(t.getValueNode(), "'" + trait + "' must be a finite number");
      } else if (trait != null && n != null) {
        out.put(trait, n.doubleValue());
      }
    }
    return out.size() == m.getValue().size() ? Collections.unmodifiableMap(out) : null;
  }

  private Step emit(Fields f, Step.Info info) {
    return new Step.Emit(
        info,
        doc.text(f.get("emit"), "emit"),
        f.has("properties") ? doc.values(f.get("properties"), "properties") : Map.of());
  }

  private Step webhook(Fields f, Step.Info info) {
    Node urlNode = f.get("webhook");
    String url = doc.text(urlNode, "webhook");
    String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
    if (url != null
        && !(lower.startsWith("https://") && url.length() > 8)
        && !(lower.startsWith("http://") && url.length() > 7)) {
      doc.problem(urlNode, "webhook URL must start with http:// or https://, not '" + url + "'");
    }
    String method = "POST";
    if (f.has("method")) {
      String m = doc.text(f.get("method"), "method");
      method = m == null ? null : m.toUpperCase(Locale.ROOT);
      if (method != null && !METHODS.contains(method)) {
        doc.problem(
            f.get("method"),
            "unknown method '" + m + "'; expected one of " + String.join(", ", METHODS));
      }
    }
    return new Step.Webhook(
        info, url, method, f.has("body") ? doc.values(f.get("body"), "body") : Map.of());
  }

  private Step exit(Node value, Step.Info info) {
    boolean ok =
        Doc.isNull(value)
            || (value instanceof ScalarNode s
                && s.getTag().equals(Tag.BOOL)
                && Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT)));
    if (!ok) {
      doc.problem(value, "'exit' takes no value (or true), not " + Doc.describe(value));
    }
    return new Step.Exit(info);
  }

  private Step assign(Fields f, Step.Info info) {
    Node poolNode = f.get("assign");
    String pool = doc.text(poolNode, "assign");
    var mark = poolNode.getStartMark();
    return new Step.Assign(
        info,
        pool,
        target(f.get("on_unassigned"), "on_unassigned", info),
        mark.map(m -> m.getLine() + 1).orElse(0),
        mark.map(m -> m.getColumn() + 1).orElse(0));
  }

  /** The step a key names, or the next step when the key is absent. */
  private int target(Node node, String what, Step.Info info) {
    return node == null ? info.index() + 1 : targets.resolve(node, what);
  }

  private static List<String> concat(Set<String> a, List<String> b, Set<String> c) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    out.addAll(c);
    return out;
  }
}
