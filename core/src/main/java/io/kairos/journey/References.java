package io.kairos.journey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Names one definition uses from another (a lifecycle's score, a pool's release stages), checked
 * once every file is read, since the other definition may be in a later file. Each unknown name is
 * reported at the node that names it.
 */
public final class References {

  private record Ref(String kind, String name, Doc doc, Node at, String what) {}

  private final List<Ref> refs = new ArrayList<>();

  /**
   * Records that {@code name} must be a known {@code kind} (say "score").
   *
   * @param what the key that names it, for the message
   */
  public void expect(String kind, String name, Doc doc, Node at, String what) {
    refs.add(new Ref(kind, name, doc, at, what));
  }

  /**
   * Reports every name not among the known ones of its kind; {@code plural} says how to call them
   * in the message ("scores", "lifecycle stages").
   */
  public void check(Map<String, Collection<String>> known, Map<String, String> plural) {
    for (Ref r : refs) {
      Collection<String> names = known.getOrDefault(r.kind, List.of());
      if (!names.contains(r.name)) {
        String p = plural.getOrDefault(r.kind, r.kind);
        r.doc.problem(
            r.at,
            "'"
                + r.what
                + "' names no "
                + r.kind
                + " '"
                + r.name
                + "'; "
                + (names.isEmpty()
                    ? "no " + p + " are defined"
                    : "the " + p + " are " + String.join(", ", names)));
      }
    }
  }
}
