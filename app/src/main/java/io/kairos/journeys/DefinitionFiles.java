package io.kairos.journeys;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.journey.JourneyLoadException;
import io.kairos.recommend.Catalog;
import io.kairos.recommend.CatalogCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads every {@code *.yaml} / {@code *.yml} file in a directory (not recursive): journeys, and the
 * shared definitions they use (see {@link DefinitionLoader}); and the product catalogue from
 * {@value #CATALOG} in the same directory, when there is one.
 */
public final class DefinitionFiles {
  /** The catalogue file read from the definitions directory. */
  public static final String CATALOG = "products.csv";

  private DefinitionFiles() {}

  /**
   * Reads a product catalogue (CSV, see {@link CatalogCsv}).
   *
   * @throws JourneyLoadException with every problem, at line and column
   */
  public static Catalog catalog(Path file) throws IOException, JourneyLoadException {
    return CatalogCsv.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Loads all definitions, files sorted by name.
   *
   * @throws JourneyLoadException with every problem of every file, when any file is invalid or two
   *     definitions share an id
   * @throws IOException when the directory cannot be read
   */
  public static Definitions load(Path dir) throws IOException, JourneyLoadException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": not a directory");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    List<DefinitionLoader.Source> sources = new ArrayList<>();
    for (Path f : files) {
      sources.add(
          new DefinitionLoader.Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
    }
    Definitions loaded = new DefinitionLoader().load(sources);
    Path catalog = dir.resolve(CATALOG);
    return Files.isRegularFile(catalog) ? loaded.withCatalog(catalog(catalog)) : loaded;
  }
}
