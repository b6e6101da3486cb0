package io.kairos.journey;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The keys of one YAML mapping, checked against the keys it may have. Unknown and repeated keys are
 * reported once, here, so readers only ask for the keys they know.
 */
public final class Fields {

  private final Doc doc;
  private final MappingNode node;
  private final String where;
  private final Map<String, NodeTuple> tuples = new LinkedHashMap<>();

  private Fields(Doc doc, MappingNode node, String where) {
    this.doc = doc;
    this.node = node;
    this.where = where;
  }

  /**
   * @param where what the mapping is, for messages: "journey", "trigger", "send step"
   * @param allowed the keys it may have, in the order messages list them
   */
  public static Fields of(Doc doc, MappingNode node, String where, List<String> allowed) {
    Fields f = new Fields(doc, node, where);
    for (NodeTuple t : node.getValue()) {
      String key = doc.key(t.getKeyNode());
      if (key == null) {
        continue;
      }
      if (!allowed.contains(key)) {
        doc.problem(
            t.getKeyNode(),
            "unknown key '"
                + key
                + "' in "
                + where
                + "; expected one of "
                + String.join(", ", allowed));
      } else if (f.tuples.containsKey(key)) {
        doc.problem(t.getKeyNode(), "duplicate key '" + key + "' in " + where);
      } else {
        f.tuples.put(key, t);
      }
    }
    return f;
  }

  public boolean has(String key) {
    return tuples.containsKey(key);
  }

  /** The value of {@code key}, or null when the mapping does not have it. */
  public Node get(String key) {
    NodeTuple t = tuples.get(key);
    return t == null ? null : t.getValueNode();
  }

  /** The value of {@code key}; when it is missing, reports so at the mapping and returns null. */
  public Node require(String key) {
    Node value = get(key);
    if (value == null) {
      doc.problem(node, "missing required key '" + key + "' in " + where);
    }
    return value;
  }

  public ScalarNode keyNode(String key) {
    return (ScalarNode) tuples.get(key).getKeyNode();
  }

  public MappingNode node() {
    return node;
  }
}
