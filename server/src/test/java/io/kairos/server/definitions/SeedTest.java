package io.kairos.server.definitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.journey.Journey;
import io.kairos.recommend.CatalogCsv;
import io.kairos.segment.Segment;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigException;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SeedTest {
  /** The repository's example directory, relative to the server module. */
  static final Path EXAMPLES = Path.of("../examples/journeys");

  @TempDir Path dir;

  private final VirtualClock clock = new VirtualClock(Instant.parse("2026-03-01T09:00:00Z"));

  /** The examples as kairos simulate loads them. */
  static Definitions direct(Path examples) throws Exception {
    List<DefinitionLoader.Source> sources = new ArrayList<>();
    try (Stream<Path> s = Files.list(examples)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        sources.add(
            new DefinitionLoader.Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
      }
    }
    Definitions d = new DefinitionLoader().load(sources);
    Path csv = examples.resolve("products.csv");
    return d.withCatalog(CatalogCsv.parse(csv.toString(), Files.readString(csv)));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theExampleDirectorySeedsTheDefaultWorkspaceOnce(StoreKind kind) throws Exception {
    Definitions expected = direct(EXAMPLES);
    ServerConfig config =
        TestStores.config(kind, dir).set("journeys.dir", EXAMPLES.toString()).build();
    String segmentToDelete;
    try (KairosServer server = KairosServer.start(config, clock)) {
      Definitions seeded = server.publishedDefinitions().published(Workspaces.DEFAULT);
      // Every example journey, published, at the version kairos simulate computes, in file order.
      assertThat(seeded.journeys())
          .extracting(Journey::id)
          .containsExactlyElementsOf(expected.journeys().stream().map(Journey::id).toList());
      assertThat(seeded.journeys())
          .extracting(Journey::version)
          .containsExactlyElementsOf(expected.journeys().stream().map(Journey::version).toList());
      assertThat(seeded.segments())
          .extracting(Segment::id)
          .containsExactlyInAnyOrderElementsOf(
              expected.segments().stream().map(Segment::id).toList());
      assertThat(seeded.calendars().keySet()).isEqualTo(expected.calendars().keySet());
      assertThat(seeded.scores()).hasSameSizeAs(expected.scores());
      assertThat(seeded.lifecycle().ids()).isEqualTo(expected.lifecycle().ids());
      assertThat(seeded.pools()).isEqualTo(expected.pools());
      assertThat(seeded.policies()).isEqualTo(expected.policies());
      assertThat(seeded.geofences().fences())
          .usingRecursiveComparison()
          .isEqualTo(expected.geofences().fences());
      assertThat(seeded.catalog().size()).isEqualTo(expected.catalog().size()).isPositive();

      Http http = new Http(server.port());
      String read = server.workspaces().createKey(Workspaces.DEFAULT, Scope.READ, "t").secret();
      JsonNode journeys = http.get("/v1/journeys", read).json().get("journeys");
      assertThat(journeys).hasSize(expected.journeys().size());
      journeys.forEach(j -> assertThat(j.get("status").asText()).isEqualTo("published"));
      JsonNode welcome = http.get("/v1/journeys/welcome", read).json();
      assertThat(welcome.get("source").asText())
          .isEqualTo(Files.readString(EXAMPLES.resolve("s01-welcome.yaml")));
      JsonNode policies = http.get("/v1/definitions/policies", read).json();
      assertThat(policies.get("source").asText())
          .isEqualTo(Files.readString(EXAMPLES.resolve("policies.yaml")));
      JsonNode versions = http.get("/v1/journeys/welcome/versions", read).json();
      assertThat(versions.get("versions").get(0).get("created_by").asText())
          .isEqualTo("journeys.dir");

      // A segment no journey needs can go; the next start must not bring it back.
      String admin = server.workspaces().createKey(Workspaces.DEFAULT, Scope.ADMIN, "t").secret();
      segmentToDelete = "sms-opt-in";
      assertThat(http.delete("/v1/segments/" + segmentToDelete, admin).status()).isEqualTo(204);
    }
    try (KairosServer again = KairosServer.start(config, clock)) {
      Definitions now = again.publishedDefinitions().published(Workspaces.DEFAULT);
      assertThat(now.segments()).extracting(Segment::id).doesNotContain(segmentToDelete);
      assertThat(now.journeys()).hasSameSizeAs(expected.journeys());
      assertThat(again.definitions().versions(Workspaces.DEFAULT, Kind.JOURNEY, "welcome"))
          .hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDirectoryThatDoesNotLoadStopsTheStartAndCreatesNothing(StoreKind kind) throws IOException {
    Path journeys = Files.createDirectories(dir.resolve("journeys"));
    Files.writeString(
        journeys.resolve("broken.yaml"),
        "id: broken\ngoal: G\ntrigger: {segment_entered: nobody}\nsteps:\n  - wait: 1d\n");
    ServerConfig config =
        TestStores.config(kind, dir.resolve("data"))
            .set("journeys.dir", journeys.toString())
            .build();
    assertThatThrownBy(() -> KairosServer.start(config, clock))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("journeys.dir")
        .hasMessageContaining(journeys.resolve("broken.yaml") + ":3:");

    // Nothing was created: fixed, the directory seeds the workspace on the next start.
    Files.writeString(
        journeys.resolve("broken.yaml"),
        "id: broken\ngoal: G\ntrigger: {event: Signed Up}\nsteps:\n  - wait: 1d\n");
    try (KairosServer server = KairosServer.start(config, clock)) {
      assertThat(server.publishedDefinitions().published(Workspaces.DEFAULT).journeys())
          .extracting(Journey::id)
          .containsExactly("broken");
    }
  }
}
