package io.kairos.server.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.KairosServer;
import io.kairos.server.testing.Http;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document describes exactly the routes the server serves. */
class ApiDocsTest {
  @TempDir Path dir;

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    try (KairosServer server =
        KairosServer.start(
            TestStores.serverConfig(StoreKind.SQLITE, dir),
            new VirtualClock(Instant.parse("2026-03-01T09:00:00Z")))) {
      Http http = new Http(server.port());
      Http.Response r = http.get("/openapi.json", null);
      assertThat(r.status()).isEqualTo(200);
      JsonNode doc = r.json();
      assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

      Set<String> documented = new TreeSet<>();
      for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
          paths.hasNext(); ) {
        Map.Entry<String, JsonNode> path = paths.next();
        path.getValue()
            .fieldNames()
            .forEachRemaining(
                m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
      }
      Set<String> served = new TreeSet<>(server.routes());
      assertThat(documented).isEqualTo(served);

      for (String op : documented) {
        String method = op.substring(0, op.indexOf(' '));
        String path = op.substring(op.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x");
        Http.Response answer =
            http.send(
                http.builder(path, null)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build());
        // Served: a key is asked for (401) or it answers; never the router's "no route". The
        // public link endpoints take a signed token instead of a key: "x" is not one (404).
        assertThat(answer.body()).as(op).doesNotContain("no route");
        if (op.matches("\\w+ /(t/[oc]|u|p|v)/\\{token}")) {
          assertThat(answer.status()).as(op).isEqualTo(404);
          assertThat(doc.get("paths").get(op.substring(op.indexOf(' ') + 1)).toString())
              .as(op)
              .doesNotContain("x-scope");
        } else {
          assertThat(answer.status()).as(op).isIn(200, 401);
        }
      }
      // Operations that need a key say which scope.
      JsonNode publish = doc.get("paths").get("/v1/journeys/{id}/publish").get("post");
      assertThat(publish.get("x-scope").asText()).isEqualTo("admin");
      assertThat(publish.get("responses").get("400").get("content").has("application/problem+json"))
          .isTrue();
    }
  }

  @Test
  void theTrackingDescriptionCoversTheTrackingRoutes() {
    OpenApi api = new OpenApi();
    TrackingPaths.describe(api);
    assertThat(api.operations())
        .containsExactlyInAnyOrder(
            "POST /v1/track",
            "POST /v1/identify",
            "POST /v1/page",
            "POST /v1/screen",
            "POST /v1/group",
            "POST /v1/alias",
            "POST /v1/batch",
            "POST /v1/import",
            "POST /v1/profiles/import");
  }
}
