package io.kairos.server.definitions;

import io.kairos.journey.JourneyLoadException.Problem;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The little YAML reading the store does itself before the core loader sees a document: the root
 * node with positions (to find a document's id and top-level keys). Problems are reported as the
 * loader reports them: source, line, column (1-based).
 */
final class Yaml {
  private Yaml() {}

  /**
   * The root node of a YAML text.
   *
   * @throws ValidationException when the text is not YAML or empty
   */
  static Node root(String source, String text) {
    try {
      LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).build();
      Optional<Node> root = new Compose(settings).composeString(text);
      if (root.isEmpty()) {
        throw invalid(source, 1, 1, "the document is empty");
      }
      return root.get();
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      throw invalid(
          source,
          mark == null ? 1 : mark.getLine() + 1,
          mark == null ? 1 : mark.getColumn() + 1,
          "invalid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw invalid(source, 1, 1, "invalid YAML: " + e.getMessage());
    }
  }

  /** The root as a mapping, or a problem saying what the document must be. */
  static MappingNode mapping(String source, String text, String expected) {
    Node root = root(source, text);
    if (!(root instanceof MappingNode m)) {
      throw invalid(source, root, "expected " + expected);
    }
    return m;
  }

  /** The scalar value of a top-level key, or null when the key is absent or not a scalar. */
  static ScalarNode scalar(MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k
          && k.getValue().equals(key)
          && t.getValueNode() instanceof ScalarNode v) {
        return v;
      }
    }
    return null;
  }

  /** A problem at a node's start. */
  static Problem problem(String source, Node node, String message) {
    return node.getStartMark()
        .map(m -> new Problem(source, m.getLine() + 1, m.getColumn() + 1, message))
        .orElse(new Problem(source, 1, 1, message));
  }

  static ValidationException invalid(String source, Node node, String message) {
    return ValidationException.invalid(source, List.of(problem(source, node, message)));
  }

  static ValidationException invalid(String source, int line, int column, String message) {
    return ValidationException.invalid(source, List.of(new Problem(source, line, column, message)));
  }
}
