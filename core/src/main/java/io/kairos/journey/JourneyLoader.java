package io.kairos.journey;

import io.kairos.expr.ExpressionCompiler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Turns a journey definition (YAML text, see {@code docs/journeys.md}) into a validated {@link
 * Journey}. Reports every problem of a file at once, each with its line and column; an error in a
 * CEL expression points at the column of the bad token inside it.
 *
 * <p>Pure: text in, journey out. Reading files is the caller's job. Thread-safe.
 */
public final class JourneyLoader {

  private final ExpressionCompiler compiler;

  /** A loader with its own expression compiler. */
  public JourneyLoader() {
    this(new ExpressionCompiler());
  }

  /** A loader sharing {@code compiler} (building one takes a moment; share it). */
  public JourneyLoader(ExpressionCompiler compiler) {
    this.compiler = compiler;
  }

  /**
   * Loads one journey definition.
   *
   * @param source where the text came from (a file name), used in problems and kept in {@link
   *     Journey#source()}
   * @param yamlText the definition
   * @throws JourneyLoadException listing every problem found, in file order
   */
  public Journey load(String source, String yamlText) throws JourneyLoadException {
    return load(source, yamlText, null);
  }

  /**
   * Loads one journey definition whose segment triggers must name one of {@code segments} (null:
   * not checked, as when a journey is loaded on its own).
   *
   * @throws JourneyLoadException listing every problem found, in file order
   */
  public Journey load(String source, String yamlText, java.util.Set<String> segments)
      throws JourneyLoadException {
    Doc doc = new Doc(source, yamlText, compiler);
    Node root = compose(doc, yamlText);
    Journey journey =
        root == null
            ? null
            : new JourneyReader(doc, segments).read(root, source, version(yamlText));
    if (!doc.ok() || journey == null) {
      List<JourneyLoadException.Problem> problems = doc.problems();
      if (problems.isEmpty()) {
        // A reader returned nothing without saying why: a bug, but the caller still needs a reason.
        doc.problem(0, 0, "invalid journey definition");
        problems = doc.problems();
      }
      throw new JourneyLoadException(problems);
    }
    return journey;
  }

  /** The version of a definition: the first 12 hex digits of the SHA-256 of its UTF-8 text. */
  static String version(String yamlText) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(yamlText.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static Node compose(Doc doc, String yamlText) {
    // The YAML 1.2 core schema: true/false, null/~, 12, 0x1F, 1.5. Compose keeps positions, which
    // loading into Java maps would throw away.
    LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).build();
    try {
      Optional<Node> root = new Compose(settings).composeString(yamlText);
      if (root.isEmpty()) {
        doc.problem(0, 0, "empty journey definition");
        return null;
      }
      return root.get();
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      doc.problem(
          mark == null ? 0 : mark.getLine(),
          mark == null ? 0 : mark.getColumn(),
          "invalid YAML: " + e.getProblem());
      return null;
    } catch (ReaderException e) {
      doc.problemAt(e.getPosition(), "invalid YAML: " + e.getMessage());
      return null;
    } catch (YamlEngineException e) {
      doc.problem(0, 0, "invalid YAML: " + e.getMessage());
      return null;
    }
  }
}
