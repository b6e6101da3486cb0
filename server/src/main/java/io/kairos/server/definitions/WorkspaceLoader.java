package io.kairos.server.definitions;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.DefinitionLoader.Source;
import io.kairos.definition.Definitions;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.recommend.Catalog;
import io.kairos.recommend.CatalogCsv;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Loads a set of stored documents through the core {@link DefinitionLoader}, exactly as {@code
 * kairos simulate} loads a directory: settings sections first, then segments, then journeys, and
 * the product catalogue through {@link CatalogCsv}. A segment is stored on its own (one mapping)
 * and handed to the loader as a {@code segments:} section of one item; the positions of its
 * problems are mapped back to the stored text.
 */
final class WorkspaceLoader {

  /** The lines and columns the {@code segments:} wrapper adds before a segment's text. */
  private static final String ITEM = "  - ";

  private static final String INDENT = "    ";

  /** What a set of documents loads to: definitions, or every problem. */
  record Result(Definitions definitions, List<Problem> problems) {
    boolean ok() {
      return problems.isEmpty();
    }
  }

  private final DefinitionLoader loader = new DefinitionLoader();

  /**
   * Loads the documents; templates are not the engine's and are skipped. Journeys keep the order
   * given: when two react to one event, the first acts first (and may take a frequency cap's last
   * place).
   */
  Result load(Collection<Document> documents) {
    // Stable: within a kind, the order given (the order of creation) is the engine's order.
    List<Document> docs = new ArrayList<>(documents);
    docs.sort(Comparator.comparingInt((Document d) -> order(d.kind())));
    List<Source> sources = new ArrayList<>();
    Document catalog = null;
    for (Document d : docs) {
      switch (d.kind()) {
        case TEMPLATE -> {}
        case CATALOG -> catalog = d;
        case SEGMENT -> sources.add(new Source(d.sourceName(), wrapSegment(d.content())));
        default -> sources.add(new Source(d.sourceName(), d.content()));
      }
    }
    List<Problem> problems = new ArrayList<>();
    Definitions loaded = null;
    try {
      loaded = loader.load(sources);
    } catch (JourneyLoadException e) {
      for (Problem p : e.problems()) {
        problems.add(p.source().startsWith("segments/") ? unwrapSegment(p) : p);
      }
    }
    Catalog products = Catalog.EMPTY;
    if (catalog != null) {
      try {
        products = CatalogCsv.parse(catalog.sourceName(), catalog.content());
      } catch (JourneyLoadException e) {
        problems.addAll(e.problems());
      }
    }
    return problems.isEmpty()
        ? new Result(loaded.withCatalog(products), List.of())
        : new Result(null, problems);
  }

  /** Settings in the order the docs list sections, then segments, then journeys. */
  private static int order(Kind kind) {
    int section = DefinitionLoader.SECTIONS.indexOf(kind.label());
    if (section >= 0) {
      return section;
    }
    return switch (kind) {
      case SEGMENT -> 100;
      case JOURNEY -> 200;
      default -> 300;
    };
  }

  /** One segment as a {@code segments:} section the loader reads. */
  static String wrapSegment(String text) {
    StringBuilder b = new StringBuilder("segments:\n");
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      b.append(i == 0 ? ITEM : INDENT).append(lines[i]).append('\n');
    }
    return b.toString();
  }

  /** A problem of a wrapped segment at its position in the stored text. */
  static Problem unwrapSegment(Problem p) {
    if (p.line() <= 1) {
      return new Problem(p.source(), 1, 1, p.message());
    }
    return new Problem(
        p.source(), p.line() - 1, Math.max(1, p.column() - ITEM.length()), p.message());
  }
}
