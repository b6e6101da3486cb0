package io.kairos.journeys;

import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads every {@code *.yaml} / {@code *.yml} journey in a directory (not recursive). */
public final class JourneyFiles {
  private JourneyFiles() {}

  /**
   * Loads all journeys, sorted by file name.
   *
   * @throws JourneyLoadException with every problem of every file, when any file is invalid or two
   *     files share an id
   * @throws IOException when the directory cannot be read
   */
  public static List<Journey> load(Path dir) throws IOException, JourneyLoadException {
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
    JourneyLoader loader = new JourneyLoader();
    List<Journey> journeys = new ArrayList<>();
    List<JourneyLoadException.Problem> problems = new ArrayList<>();
    Map<String, Path> ids = new HashMap<>();
    for (Path f : files) {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      try {
        Journey j = loader.load(f.toString(), text);
        Path other = ids.putIfAbsent(j.id(), f);
        if (other != null) {
          problems.add(
              new JourneyLoadException.Problem(
                  f.toString(), 1, 1, "journey id '" + j.id() + "' is already used by " + other));
        } else {
          journeys.add(j);
        }
      } catch (JourneyLoadException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new JourneyLoadException(problems);
    }
    return journeys;
  }
}
