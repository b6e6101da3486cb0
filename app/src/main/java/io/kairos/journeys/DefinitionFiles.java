package io.kairos.journeys;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.journey.JourneyLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads every {@code *.yaml} / {@code *.yml} file in a directory (not recursive): journeys, and the
 * shared definitions they use (see {@link DefinitionLoader}).
 */
public final class DefinitionFiles {
  private DefinitionFiles() {}

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
    return new DefinitionLoader().load(sources);
  }
}
