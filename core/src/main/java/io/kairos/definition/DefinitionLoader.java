package io.kairos.definition;

import io.kairos.assign.Pool;
import io.kairos.assign.PoolReader;
import io.kairos.dates.Calendar;
import io.kairos.dates.CalendarReader;
import io.kairos.dates.OccasionRule;
import io.kairos.dates.Occasions;
import io.kairos.expr.ExpressionCompiler;
import io.kairos.geo.Fence;
import io.kairos.geo.GeofenceReader;
import io.kairos.geo.Geofences;
import io.kairos.journey.Doc;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.journey.JourneyLoader;
import io.kairos.journey.References;
import io.kairos.journey.Step;
import io.kairos.journey.Trigger;
import io.kairos.policy.Policies;
import io.kairos.policy.PolicyReader;
import io.kairos.recommend.Catalog;
import io.kairos.scoring.Lifecycle;
import io.kairos.scoring.ScoreDefinition;
import io.kairos.scoring.ScoringReader;
import io.kairos.segment.SegmentReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  public static final List<String> SECTIONS =
      List.of("segments", "calendars", "geofences", "scoring", "lifecycle", "pools", "policies");

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
    List<Doc> docs = new ArrayList<>();
    List<Source> journeySources = new ArrayList<>();
    // Shared definitions first, so journeys can be checked against them.
    for (Source f : files) {
      MappingNode sectionRoot = sectionRoot(f.text());
      if (sectionRoot != null) {
        Doc doc = new Doc(f.name(), f.text(), compiler);
        sections.read(doc, sectionRoot);
        docs.add(doc);
      } else {
        journeySources.add(f);
      }
    }
    sections.finish();
    for (Source f : journeySources) {
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
    // Names that point into other files are checked once every file is read.
    sections.check();
    problems.addAll(sections.checkPools(loaded));
    for (Doc doc : docs) {
      problems.addAll(doc.problems());
    }
    problems.addAll(sections.unknownFences(loaded));
    Definitions built = sections.build(loaded, problems);
    if (!problems.isEmpty()) {
      throw new JourneyLoadException(inFileOrder(problems, files));
    }
    return built;
  }

  /** The problems sorted by file (in the order given), then line and column. */
  private static List<Problem> inFileOrder(List<Problem> problems, List<Source> files) {
    Map<String, Integer> order = new HashMap<>();
    for (Source f : files) {
      order.putIfAbsent(f.name(), order.size());
    }
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(
        java.util.Comparator.<Problem>comparingInt(
                p -> order.getOrDefault(p.source(), Integer.MAX_VALUE))
            .thenComparingInt(Problem::line)
            .thenComparingInt(Problem::column));
    return sorted;
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
    private final Map<String, Calendar> calendars = new LinkedHashMap<>();
    private final References refs = new References();
    private final Map<String, ScoreDefinition> scores = new LinkedHashMap<>();
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private Lifecycle lifecycle = Lifecycle.NONE;
    private String lifecycleFile;
    private Policies policies = Policies.NONE;
    private String policiesFile;
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
          case "geofences" ->
              fences.addAll(
                  new GeofenceReader(doc).read(t.getValueNode(), doc.source(), fenceFiles));
          case "calendars" -> new CalendarReader(doc).read(t.getValueNode(), calendars);
          case "scoring" -> {
            for (ScoreDefinition s : new ScoringReader(doc).scores(t.getValueNode())) {
              if (scores.putIfAbsent(s.name(), s) != null) {
                doc.problem(t.getKeyNode(), "score '" + s.name() + "' is already defined");
              }
            }
          }
          case "lifecycle" -> {
            if (lifecycleFile != null) {
              doc.problem(
                  t.getKeyNode(),
                  "a workspace has one lifecycle; it is already in " + lifecycleFile);
            } else {
              lifecycleFile = doc.source();
              Lifecycle l = new ScoringReader(doc).lifecycle(t.getValueNode(), refs);
              if (l != null) {
                lifecycle = l;
              }
            }
          }
          case "pools" -> {
            for (Pool p : new PoolReader(doc).pools(t.getValueNode(), refs)) {
              if (pools.putIfAbsent(p.id(), p) != null) {
                doc.problem(t.getKeyNode(), "pool '" + p.id() + "' is already defined");
              }
            }
          }
          case "policies" -> {
            if (policiesFile != null) {
              doc.problem(
                  t.getKeyNode(),
                  "policies are already defined in "
                      + policiesFile
                      + "; a workspace has one policies section");
            } else {
              Policies p = PolicyReader.read(doc, t.getValueNode());
              policiesFile = doc.source();
              if (p != null) {
                policies = p;
              }
            }
          }
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

    final List<Fence> fences = new ArrayList<>();
    final Map<String, String> fenceFiles = new HashMap<>();

    /** Problems of journeys that name a geofence no file defines. */
    List<Problem> unknownFences(List<Journey> journeys) {
      List<Problem> out = new ArrayList<>();
      for (Journey j : journeys) {
        if (j.trigger() instanceof Trigger.Location l && !fenceFiles.containsKey(l.fence())) {
          out.add(
              new Problem(
                  j.source(),
                  l.line(),
                  l.column(),
                  "no geofence '"
                      + l.fence()
                      + "'; "
                      + (fenceFiles.isEmpty()
                          ? "define it in a file with a geofences: section"
                          : "the geofences are "
                              + String.join(", ", new java.util.TreeSet<>(fenceFiles.keySet())))));
        }
      }
      return out;
    }

    void check() {
      refs.check(
          Map.of("score", List.copyOf(scores.keySet()), "stage", lifecycle.ids()),
          Map.of("score", "scores", "stage", "lifecycle stages"));
    }

    /** Every assign step must name a defined pool. */
    List<Problem> checkPools(List<Journey> journeys) {
      List<Problem> out = new ArrayList<>();
      for (Journey j : journeys) {
        for (Step s : j.steps()) {
          if (s instanceof Step.Assign a && !pools.containsKey(a.pool())) {
            out.add(
                new Problem(
                    j.source(),
                    a.poolLine(),
                    a.poolColumn(),
                    "no pool '"
                        + a.pool()
                        + "' for 'assign'; "
                        + (pools.isEmpty()
                            ? "define it in a 'pools:' section"
                            : "the pools are " + String.join(", ", pools.keySet()))));
          }
        }
      }
      return out;
    }

    /** The definitions; problems between files (a reference to nothing) go to {@code problems}. */
    Definitions build(List<Journey> journeys, List<Problem> problems) {
      List<Journey> resolved = new ArrayList<>(journeys.size());
      for (Journey j : journeys) {
        resolved.add(resolveCalendars(j, problems));
      }
      List<Pool> filled = new ArrayList<>();
      List<String> stages = lifecycle.ids();
      for (Pool p : pools.values()) {
        // A lead stays open until the last stage (a customer), unless the pool says otherwise.
        filled.add(
            p.releaseAt().isEmpty() && !stages.isEmpty()
                ? new Pool(p.id(), p.reps(), List.of(stages.get(stages.size() - 1)))
                : p);
      }
      return new Definitions(
          resolved,
          new Geofences(fences),
          Catalog.EMPTY,
          calendars,
          List.copyOf(scores.values()),
          lifecycle,
          filled,
          policies,
          segments.segments());
    }

    /** The journey with the calendar dates its schedule names put in place. */
    private Journey resolveCalendars(Journey j, List<Problem> problems) {
      if (!(j.trigger() instanceof Trigger.Schedule s) || s.occasions().refs().isEmpty()) {
        return j;
      }
      List<OccasionRule> rules = new ArrayList<>();
      for (Occasions.CalendarRef ref : s.occasions().refs()) {
        List<OccasionRule> named = CalendarReader.resolve(ref, calendars);
        if (named == null) {
          String known =
              calendars.isEmpty()
                  ? "no calendars are defined (a file with a calendars: section)"
                  : "calendars: "
                      + calendars.values().stream()
                          .map(c -> c.id() + " (" + String.join(", ", c.dates().keySet()) + ")")
                          .collect(java.util.stream.Collectors.joining("; "));
          problems.add(
              new Problem(
                  ref.source(),
                  ref.line(),
                  ref.column(),
                  "no calendar date '" + ref + "' for 'calendar'; " + known));
        } else {
          rules.addAll(named);
        }
      }
      Trigger.Schedule resolved =
          new Trigger.Schedule(s.occasions().resolve(rules), s.audience(), s.where());
      return new Journey(
          j.id(),
          j.name(),
          j.goal(),
          j.version(),
          j.source(),
          resolved,
          j.entry(),
          j.exitOn(),
          j.conversion(),
          j.steps());
    }

    /** Checks what spans section files, once every one is read. */
    void finish() {
      segments.finish();
    }
  }
}
