package io.kairos.server.definitions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.DefinitionLoader.Source;
import io.kairos.definition.Definitions;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.recommend.CatalogCsv;
import io.kairos.server.config.ConfigException;
import io.kairos.server.http.ProblemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a definitions directory ({@code journeys.dir}) as {@code kairos simulate --journeys} does —
 * every {@code *.yaml}/{@code *.yml} file (not recursive) and {@code products.csv} — and turns it
 * into the store's documents: one per journey file, one per segment, one per settings section
 * (sections of the same kind in several files are merged), and the catalogue. The text of each
 * document is cut from its file, comments included, so what an author wrote stays readable in the
 * API; only sections of one kind spread over several files, or written in flow style, are written
 * out anew.
 */
public final class DirectorySeed {
  /** The catalogue file read from the directory. */
  public static final String CATALOG = "products.csv";

  /** Strict: a key given twice or text after the object is a mistake, not something to guess. */
  private static final ObjectMapper TEMPLATE_JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private DirectorySeed() {}

  /**
   * The documents of a directory.
   *
   * @throws ConfigException naming {@code journeys.dir} and every problem as file:line:column
   */
  public static List<Document> read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("journeys.dir: " + dir + " is not a directory");
    }
    List<Source> sources = new ArrayList<>();
    String catalog = null;
    try {
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files =
            s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                .filter(Files::isRegularFile)
                .sorted()
                .toList();
      }
      for (Path f : files) {
        sources.add(new Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
      }
      Path csv = dir.resolve(CATALOG);
      if (Files.isRegularFile(csv)) {
        catalog = Files.readString(csv, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new ConfigException("journeys.dir: " + dir + ": cannot read (" + e.getMessage() + ")");
    }
    List<Problem> problems = new ArrayList<>();
    Definitions loaded = null;
    try {
      loaded = new DefinitionLoader().load(sources);
    } catch (JourneyLoadException e) {
      problems.addAll(e.problems());
    }
    if (catalog != null) {
      try {
        CatalogCsv.parse(dir.resolve(CATALOG).toString(), catalog);
      } catch (JourneyLoadException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(
          "journeys.dir: the definitions in "
              + dir
              + " do not load:\n"
              + problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    }
    Map<String, Journey> journeys = new LinkedHashMap<>();
    for (Journey j : loaded.journeys()) {
      journeys.put(j.source(), j);
    }
    List<Document> docs = new ArrayList<>();
    Map<Kind, List<Section>> sections = new EnumMap<>(Kind.class);
    for (Source s : sources) {
      Journey j = journeys.get(s.name());
      if (j != null) {
        docs.add(Document.of(Kind.JOURNEY, j.id(), s.text()));
      } else {
        split(s.text(), docs, sections);
      }
    }
    for (Map.Entry<Kind, List<Section>> e : sections.entrySet()) {
      docs.add(Document.of(e.getKey(), e.getKey().label(), merge(e.getKey(), e.getValue())));
    }
    if (catalog != null) {
      docs.add(Document.of(Kind.CATALOG, Kind.CATALOG.label(), catalog));
    }
    return docs;
  }

  /**
   * The templates of a directory ({@code templates.dir}): every {@code *.json} file (not recursive)
   * is one template in exactly the form {@code POST /v1/templates} takes, named after its id
   * ({@code welcome.json} holds {@code "id": "welcome"}), checked as the API checks it.
   *
   * @throws ConfigException naming {@code templates.dir} and, for every file that does not load,
   *     the file and each of its problems
   */
  public static List<Document> templates(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("templates.dir: " + dir + " is not a directory");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.toString().endsWith(".json"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new ConfigException("templates.dir: " + dir + ": cannot read (" + e.getMessage() + ")");
    }
    List<Document> docs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      String expectedId = name.substring(0, name.length() - ".json".length());
      JsonNode json;
      try {
        json = TEMPLATE_JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        problems.add(
            f
                + (at != null ? ":" + at.getLineNr() + ":" + at.getColumnNr() : "")
                + ": not JSON: "
                + e.getOriginalMessage());
        continue;
      } catch (IOException e) {
        problems.add(f + ": cannot read (" + e.getMessage() + ")");
        continue;
      }
      if (!(json instanceof ObjectNode object)) {
        problems.add(f + ": expected a JSON object (a template, as POST /v1/templates takes it)");
        continue;
      }
      try {
        Document d = TemplateReader.check(object, null);
        if (!d.id().equals(expectedId)) {
          problems.add(
              f + ": id: '" + d.id() + "' is not the file's name; save it as " + d.id() + ".json");
          continue;
        }
        docs.add(d);
      } catch (ProblemException e) {
        for (io.kairos.server.http.Problem.FieldError err : e.problem().errors()) {
          problems.add(f + ": " + err.field() + ": " + err.reason());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(
          "templates.dir: the templates in "
              + dir
              + " do not load:\n"
              + String.join("\n", problems));
    }
    return docs;
  }

  /** One top-level section of a file: its text as a document, and its value. */
  private record Section(String text, Node value) {}

  /** Cuts a definitions file into segments and sections. */
  private static void split(String text, List<Document> docs, Map<Kind, List<Section>> sections) {
    MappingNode root = (MappingNode) compose(text);
    String[] lines = text.split("\n", -1);
    boolean block = root.getFlowStyle() == FlowStyle.BLOCK;
    List<NodeTuple> tuples = root.getValue();
    for (int i = 0; i < tuples.size(); i++) {
      NodeTuple t = tuples.get(i);
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      int from = i == 0 ? 0 : withComments(lines, line(t.getKeyNode()));
      int to =
          i + 1 < tuples.size()
              ? withComments(lines, line(tuples.get(i + 1).getKeyNode()))
              : lines.length;
      if (key.equals("segments")) {
        segments(lines, t.getValueNode(), block, line(t.getKeyNode()) + 1, to, docs);
      } else {
        String sectionText =
            block ? join(lines, from, to, 0) : dump(Map.of(key, value(t.getValueNode())));
        sections
            .computeIfAbsent(Kind.of(key), k -> new ArrayList<>())
            .add(new Section(sectionText, t.getValueNode()));
      }
    }
  }

  /** One segment document per item of a {@code segments:} list. */
  private static void segments(
      String[] lines, Node value, boolean block, int from, int to, List<Document> docs) {
    SequenceNode items = (SequenceNode) value;
    boolean cut = block && items.getFlowStyle() == FlowStyle.BLOCK;
    List<Node> list = items.getValue();
    for (int i = 0; i < list.size(); i++) {
      Node item = list.get(i);
      String id = Yaml.scalar((MappingNode) item, "id").getValue();
      String text;
      if (cut) {
        int start = i == 0 ? from : withComments(lines, line(item));
        int end = i + 1 < list.size() ? withComments(lines, line(list.get(i + 1))) : to;
        int column = item.getStartMark().orElseThrow().getColumn();
        text = join(lines, start, end, column);
      } else {
        text = dump(value(item));
      }
      docs.add(Document.of(Kind.SEGMENT, id, text));
    }
  }

  /** The text of several sections of one kind as one section. */
  private static String merge(Kind kind, List<Section> parts) {
    if (parts.size() == 1) {
      return parts.get(0).text();
    }
    // Several files define this kind (calendars, geofences, scores or pools by name): one
    // section of all their entries. The loader already refused names defined twice.
    Map<Object, Object> all = new LinkedHashMap<>();
    for (Section s : parts) {
      Object v = value(s.value());
      if (v instanceof Map<?, ?> m) {
        all.putAll(m);
      }
    }
    return dump(Map.of(kind.label(), all));
  }

  private static int line(Node n) {
    return n.getStartMark().orElseThrow().getLine();
  }

  /** The first line of the comment lines right above {@code line}, which belong to what follows. */
  private static int withComments(String[] lines, int line) {
    int l = line;
    while (l > 0 && lines[l - 1].strip().startsWith("#")) {
      l--;
    }
    return l;
  }

  /**
   * Lines {@code from} (inclusive) to {@code to} (exclusive) without their first {@code column}
   * characters of indentation (and of the first line, the "- " of its list item); less-indented
   * lines (comments) lose all of theirs; trailing blank lines are dropped.
   */
  private static String join(String[] lines, int from, int to, int column) {
    List<String> out = new ArrayList<>();
    for (int l = from; l < to && l < lines.length; l++) {
      String s = lines[l];
      // The indentation, and on an item's first line the "- " before it.
      if (s.length() >= column && s.substring(0, column).matches("[ -]*")) {
        out.add(s.substring(column));
      } else {
        out.add(s.strip());
      }
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    return String.join("\n", out) + "\n";
  }

  private static Node compose(String text) {
    LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).build();
    return new org.snakeyaml.engine.v2.api.lowlevel.Compose(settings)
        .composeString(text)
        .orElseThrow();
  }

  /** A node as plain Java values (maps, lists, scalars), to be written out anew. */
  private static Object value(Node node) {
    String text = dump(node);
    return new Load(LoadSettings.builder().setSchema(new CoreSchema()).build())
        .loadFromString(text);
  }

  private static String dump(Node node) {
    java.io.StringWriter w = new java.io.StringWriter();
    new Dump(DumpSettings.builder().setSchema(new CoreSchema()).build())
        .dumpNode(
            node,
            new org.snakeyaml.engine.v2.api.StreamDataWriter() {
              @Override
              public void write(String str) {
                w.write(str);
              }

              @Override
              public void write(String str, int off, int len) {
                w.write(str, off, len);
              }
            });
    return w.toString();
  }

  private static String dump(Object value) {
    return new Dump(
            DumpSettings.builder()
                .setSchema(new CoreSchema())
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .build())
        .dumpToString(value);
  }
}
