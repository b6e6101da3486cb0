package io.kairos.server.definitions;

import io.kairos.definition.DefinitionLoader;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * What the store checks before the core loader reads a document: that it is the kind of document
 * its route takes, and its id — the key it is stored under, which must match the URL.
 */
final class Checks {
  /** The ids of journeys, segments and templates, as the core loader accepts them. */
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,127}");

  /** The source name of a journey whose id is not known yet. */
  static final String NEW_JOURNEY = "journey";

  private Checks() {}

  /**
   * The id of a journey document.
   *
   * @param pathId the id in the URL, or null when the request creates one
   * @throws ValidationException when the text is not YAML, is a definitions section, or its id is
   *     missing, malformed or not the URL's
   */
  static String journeyId(String text, String pathId) {
    String source = pathId == null ? NEW_JOURNEY : Kind.JOURNEY.sourceName(pathId);
    MappingNode root = Yaml.mapping(source, text, "a journey: a mapping with id, trigger, steps");
    for (NodeTuple t : root.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k
          && DefinitionLoader.SECTIONS.contains(k.getValue())) {
        throw Yaml.invalid(
            source,
            k,
            "'"
                + k.getValue()
                + ":' is a definitions section, not a journey key; "
                + (k.getValue().equals("segments")
                    ? "segments are managed at /v1/segments"
                    : "it is managed at /v1/definitions/" + k.getValue()));
      }
    }
    return id(source, root, pathId, "journey");
  }

  /** The id of one segment (a mapping with id, name, description, where). */
  static String segmentId(String text, String pathId) {
    String source = pathId == null ? "segment" : Kind.SEGMENT.sourceName(pathId);
    MappingNode root =
        Yaml.mapping(source, text, "one segment: a mapping with id, name, description, where");
    ScalarNode segments = null;
    for (NodeTuple t : root.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("segments")) {
        segments = k;
      }
    }
    if (segments != null) {
      throw Yaml.invalid(
          source,
          segments,
          "send one segment per request (a mapping with id, name, description, where), not a"
              + " 'segments:' list");
    }
    return id(source, root, pathId, "segment");
  }

  private static String id(String source, MappingNode root, String pathId, String what) {
    ScalarNode id = Yaml.scalar(root, "id");
    if (id == null) {
      throw Yaml.invalid(source, root, "missing 'id': every " + what + " has one");
    }
    if (!ID.matcher(id.getValue()).matches()) {
      throw Yaml.invalid(
          source,
          id,
          "id '"
              + id.getValue()
              + "': expected 1-128 lower-case letters, digits, '-' or '_', starting with a letter"
              + " or digit");
    }
    if (pathId != null && !pathId.equals(id.getValue())) {
      throw Yaml.invalid(
          source,
          id,
          "id '"
              + id.getValue()
              + "' is not the '"
              + pathId
              + "' of the URL; an id cannot change (create a new "
              + what
              + " instead)");
    }
    return id.getValue();
  }

  /** A settings document must hold exactly its own section. */
  static void setting(Kind kind, String text) {
    if (kind == Kind.CATALOG) {
      return; // CSV, checked by the catalogue reader
    }
    String source = kind.sourceName(kind.label());
    MappingNode root =
        Yaml.mapping(source, text, "a mapping with one key, '" + kind.label() + ":'");
    boolean found = false;
    for (NodeTuple t : root.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
      if (kind.label().equals(key)) {
        found = true;
      } else {
        throw Yaml.invalid(
            source,
            t.getKeyNode(),
            "only the '"
                + kind.label()
                + ":' section belongs in /v1/definitions/"
                + kind.label()
                + (key == null
                    ? ""
                    : key.equals("segments")
                        ? "; segments are managed at /v1/segments"
                        : Kind.setting(key) != null
                            ? "; '" + key + ":' goes to /v1/definitions/" + key
                            : "; '" + key + "' is not a definitions section"));
      }
    }
    if (!found) {
      throw Yaml.invalid(source, root, "missing the '" + kind.label() + ":' section");
    }
  }
}
