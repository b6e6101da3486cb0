package io.kairos.server.runtime;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoadException;
import io.kairos.recommend.CatalogCsv;
import io.kairos.server.definitions.PublishedDefinitions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A {@link PublishedDefinitions} for tests: every workspace gets the same definitions (from a
 * directory, read as app's DefinitionFiles does), and a test can publish new ones; every journey
 * version ever published stays readable.
 */
final class TestDefinitions implements PublishedDefinitions {
  /** One journey: a welcome email to everyone who signs up. */
  static final String WELCOME_YAML =
      """
      id: welcome
      goal: welcome
      trigger:
        event: Signed Up
      entry: parallel
      steps:
        - send: email
          template: welcome
      """;

  private volatile Definitions current;
  private final Map<String, Journey> versions = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> workspaces = ConcurrentHashMap.newKeySet();

  TestDefinitions(Definitions definitions) {
    publish(definitions);
  }

  /**
   * The definitions in {@code dir}, leaving out the files named in {@code without}.
   *
   * @param without file names, e.g. {@code s07-cross-sell.yaml}
   */
  static Definitions load(Path dir, String... without) {
    java.util.Set<String> skip = java.util.Set.of(without);
    try {
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files =
            s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                .filter(p -> !skip.contains(p.getFileName().toString()))
                .sorted()
                .toList();
      }
      List<DefinitionLoader.Source> sources = new ArrayList<>();
      for (Path f : files) {
        sources.add(
            new DefinitionLoader.Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
      }
      Definitions d = new DefinitionLoader().load(sources);
      Path catalog = dir.resolve("products.csv");
      if (Files.isRegularFile(catalog)) {
        d =
            d.withCatalog(
                CatalogCsv.parse(
                    catalog.toString(), Files.readString(catalog, StandardCharsets.UTF_8)));
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JourneyLoadException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Definitions from YAML texts, one journey or section per text. */
  static Definitions of(String... yamls) {
    List<DefinitionLoader.Source> sources = new ArrayList<>();
    for (int i = 0; i < yamls.length; i++) {
      sources.add(new DefinitionLoader.Source("test-" + i + ".yaml", yamls[i]));
    }
    try {
      return new DefinitionLoader().load(sources);
    } catch (JourneyLoadException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Publishes new definitions for every workspace and tells the listeners (as after a commit). */
  void publish(Definitions definitions) {
    for (Journey j : definitions.journeys()) {
      versions.put(j.id() + "@" + j.version(), j);
    }
    current = definitions;
    for (String ws : workspaces) {
      for (Consumer<String> l : listeners) {
        l.accept(ws);
      }
    }
  }

  @Override
  public Definitions published(String workspace) {
    workspaces.add(workspace);
    return current;
  }

  @Override
  public Journey version(String workspace, String journeyId, String version) {
    return versions.get(journeyId + "@" + version);
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }
}
