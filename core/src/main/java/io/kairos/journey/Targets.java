package io.kairos.journey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The step ids of a journey and the indexes they stand for. Built before any step is read, so a
 * {@code goto} may name a step further down the list.
 */
final class Targets {

  /** The target that completes the journey; it cannot be a step id. */
  static final String END = "end";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");

  private final Doc doc;
  private final List<String> ids;
  private final Map<String, Integer> index;

  private Targets(Doc doc, List<String> ids, Map<String, Integer> index) {
    this.doc = doc;
    this.ids = ids;
    this.index = index;
  }

  /** Reads (and checks) the id of every step: the given {@code id:}, or {@code step-N}. */
  static Targets of(Doc doc, List<Node> steps) {
    List<String> ids = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> lines = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Node step = steps.get(i);
      String id = "step-" + (i + 1);
      Node idNode = idNode(step);
      if (idNode != null) {
        String given = doc.text(idNode, "id");
        if (given != null && !ID.matcher(given).matches()) {
          doc.problem(idNode, "invalid step id '" + given + "': use letters, digits, '-' and '_'");
        } else if (END.equals(given)) {
          doc.problem(
              idNode, "step id 'end' is reserved: as a target it means the end of the journey");
        } else if (given != null) {
          id = given;
        }
      }
      int line = step.getStartMark().map(m -> m.getLine() + 1).orElse(0);
      if (index.containsKey(id)) {
        doc.problem(
            idNode != null ? idNode : step,
            "duplicate step id '" + id + "'; the step at line " + lines.get(id) + " has it too");
      } else {
        index.put(id, i);
        lines.put(id, line);
      }
      ids.add(id);
    }
    return new Targets(doc, List.copyOf(ids), Map.copyOf(index));
  }

  String id(int step) {
    return ids.get(step);
  }

  /** The index that {@code node} names, {@code steps.size()} for {@code end}, or -1 (reported). */
  int resolve(Node node, String what) {
    String name = doc.text(node, what);
    if (name == null) {
      return -1;
    }
    if (name.equals(END)) {
      return ids.size();
    }
    Integer i = index.get(name);
    if (i == null) {
      doc.problem(
          node,
          "no step with id '"
              + name
              + "' for '"
              + what
              + "'; the step ids are "
              + String.join(", ", new LinkedHashSet<>(ids))
              + " (or end)");
      return -1;
    }
    return i;
  }

  private static Node idNode(Node step) {
    if (step instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("id")) {
          return t.getValueNode();
        }
      }
    }
    return null;
  }
}
