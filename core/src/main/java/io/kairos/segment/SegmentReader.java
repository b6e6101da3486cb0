package io.kairos.segment;

import io.kairos.expr.Expression;
import io.kairos.expr.ExpressionCompiler;
import io.kairos.journey.Doc;
import io.kairos.journey.Fields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the {@code segments:} sections of definition files:
 *
 * <pre>
 * segments:
 *   - id: vip
 *     name: VIP customers
 *     description: Two orders in 30 days
 *     where: count("Order Completed", duration("30d")) &gt;= 2
 * </pre>
 *
 * Collects segments from every file, then {@link #finish() checks} what spans files: ids unique,
 * {@code in_segment} naming defined segments, no segment depending on itself.
 */
public final class SegmentReader {

  static final List<String> KEYS = List.of("id", "name", "description", "where");
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  private final ExpressionCompiler compiler;
  private final Map<String, Segment> segments = new LinkedHashMap<>();
  private final Map<String, Doc> docs = new HashMap<>();
  private final Map<String, Node> whereNodes = new HashMap<>();

  public SegmentReader(ExpressionCompiler compiler) {
    this.compiler = compiler;
  }

  /** Reads one file's {@code segments:} list; problems go to {@code doc}. */
  public void read(Doc doc, Node section) {
    SequenceNode list = doc.sequence(section, "segments");
    if (list == null) {
      return;
    }
    for (Node item : list.getValue()) {
      MappingNode m = doc.mapping(item, "segment");
      if (m == null) {
        continue;
      }
      Fields f = Fields.of(doc, m, "segment", KEYS);
      Node idNode = f.require("id");
      String id = idNode == null ? null : doc.text(idNode, "id");
      if (id != null && !ID.matcher(id).matches()) {
        doc.problem(
            idNode,
            "invalid segment id '"
                + id
                + "': use lowercase letters, digits, '-' and '_', starting with a letter or digit");
        id = null;
      }
      String name = f.has("name") ? doc.text(f.get("name"), "name") : id;
      String description =
          f.has("description") ? doc.text(f.get("description"), "description") : "";
      Node whereNode = f.require("where");
      Expression where =
          whereNode == null
              ? null
              : doc.expression(whereNode, "where", compiler::compileKeptCurrent);
      if (id == null || where == null || name == null || description == null) {
        continue;
      }
      if (segments.containsKey(id)) {
        doc.problem(
            idNode, "segment id '" + id + "' is already used in " + segments.get(id).source());
        continue;
      }
      segments.put(id, new Segment(id, name, description, where, docName(doc)));
      docs.put(id, doc);
      whereNodes.put(id, whereNode);
    }
  }

  /**
   * Checks what spans files, reporting to the file of the segment at fault: every {@code
   * in_segment} names a defined segment, and no segment depends on itself through others.
   */
  public void finish() {
    for (Segment s : segments.values()) {
      for (String other : s.where().usage().segments()) {
        if (!segments.containsKey(other)) {
          docs.get(s.id())
              .problem(
                  whereNodes.get(s.id()),
                  "in_segment(\""
                      + other
                      + "\"): no segment with id '"
                      + other
                      + "'; the segments are "
                      + String.join(", ", segments.keySet()));
        }
      }
    }
    for (Segment s : segments.values()) {
      List<String> cycle = cycleFrom(s.id(), s.id(), new ArrayList<>());
      if (cycle != null) {
        docs.get(s.id())
            .problem(
                whereNodes.get(s.id()),
                "segment '"
                    + s.id()
                    + "' depends on itself: "
                    + String.join(" -> ", cycle)
                    + "; a segment's membership cannot be defined by its own");
      }
    }
  }

  /** The segments read, in definition order. */
  public List<Segment> segments() {
    return List.copyOf(segments.values());
  }

  /** The ids read so far. */
  public java.util.Set<String> ids() {
    return java.util.Collections.unmodifiableSet(segments.keySet());
  }

  private List<String> cycleFrom(String start, String at, List<String> path) {
    if (path.size() > segments.size()) {
      return null;
    }
    Segment s = segments.get(at);
    if (s == null) {
      return null;
    }
    path.add(at);
    for (String next : s.where().usage().segments()) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (!path.contains(next)) {
        List<String> c = cycleFrom(start, next, path);
        if (c != null) {
          return c;
        }
      }
    }
    path.remove(path.size() - 1);
    return null;
  }

  private static String docName(Doc doc) {
    return doc.source();
  }
}
