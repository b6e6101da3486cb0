package io.kairos.definition;

import io.kairos.expr.ExpressionCompiler;
import io.kairos.journey.Doc;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.journey.JourneyLoader;
import io.kairos.segment.SegmentReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a workspace's definition files into {@link Definitions}. A file whose top level names one
 * of the {@link #SECTIONS} (say {@code segments:}) holds shared definitions; any other file is one
 * journey. Every problem of every file is reported at once, each with file, line and column.
 *
 * <p>Pure: the caller reads the files. Thread-safe.
 */
public final class DefinitionLoader {

  /** The top-level keys of a shared-definitions file, in the order docs and messages list them. */
  public static final List<String> SECTIONS = List.of("segments");

  private final ExpressionCompiler compiler;
  private final JourneyLoader journeys;

  public DefinitionLoader() {
    this(new ExpressionCompiler());
  }

  public DefinitionLoader(ExpressionCompiler compiler) {
    this.compiler = compiler;
    this.journeys = new JourneyLoader(compiler);
  }

  /** One definition file: where it came from, and its text. */
  public record Source(String name, String text) {}

  /**
   * Loads all files, in the order given.
   *
   * @throws JourneyLoadException with every problem of every file, when any file is invalid, two
   *     journeys share an id, or two definitions of the same kind share a name
   */
  public Definitions load(List<Source> files) throws JourneyLoadException {
    List<Problem> problems = new ArrayList<>();
    List<Journey> loaded = new ArrayList<>();
    Map<String, String> journeyFiles = new HashMap<>();
    Sections sections = new Sections(compiler);
    List<Doc> sectionDocs = new ArrayList<>();
    List<Source> journeyFiles0 = new ArrayList<>();
    // Shared definitions first, so journeys can be checked against them.
    for (Source f : files) {
      MappingNode sectionRoot = sectionRoot(f.text());
      if (sectionRoot != null) {
        Doc doc = new Doc(f.name(), f.text(), compiler);
        sections.read(doc, sectionRoot);
        sectionDocs.add(doc);
      } else {
        journeyFiles0.add(f);
      }
    }
    sections.finish();
    for (Doc doc : sectionDocs) {
      problems.addAll(doc.problems());
    }
    for (Source f : journeyFiles0) {
      try {
        Journey j = journeys.load(f.name(), f.text(), sections.segments.ids());
        String other = journeyFiles.putIfAbsent(j.id(), f.name());
        if (other != null) {
          problems.add(
              new Problem(
                  f.name(), 1, 1, "journey id '" + j.id() + "' is already used by " + other));
        } else {
          loaded.add(j);
        }
      } catch (JourneyLoadException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new JourneyLoadException(problems);
    }
    return sections.build(loaded);
  }

  /** The root mapping when the text is a shared-definitions file; null for a journey. */
  private static MappingNode sectionRoot(String text) {
    Optional<Node> root;
    try {
      LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).build();
      root = new Compose(settings).composeString(text);
    } catch (YamlEngineException e) {
      return null; // the journey loader reports it with its position
    }
    if (root.isEmpty() || !(root.get() instanceof MappingNode m)) {
      return null;
    }
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && SECTIONS.contains(k.getValue())) {
        return m;
      }
    }
    return null;
  }

  /** The shared definitions read so far, from every file. */
  private static final class Sections {
    final SegmentReader segments;

    Sections(ExpressionCompiler compiler) {
      this.segments = new SegmentReader(compiler);
    }

    void read(Doc doc, MappingNode root) {
      for (NodeTuple t : root.getValue()) {
        String key = doc.key(t.getKeyNode());
        if (key == null) {
          continue;
        }
        switch (key) {
          // one case per section, each reading its definitions into this accumulator
          case "segments" -> segments.read(doc, t.getValueNode());
          default ->
              doc.problem(
                  t.getKeyNode(),
                  "unknown section '"
                      + key
                      + "'; a definitions file has "
                      + String.join(", ", SECTIONS));
        }
      }
    }

    /** Checks what spans files, once every file is read. */
    void finish() {
      segments.finish();
    }

    Definitions build(List<Journey> journeys) {
      return new Definitions(journeys, segments.segments());
    }
  }
}
