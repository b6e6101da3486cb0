package io.kairos.server.openapi;

import io.javalin.config.RoutesConfig;
import io.kairos.server.Capability;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /openapi.json}: the OpenAPI document, assembled from what every registered capability
 * describes (this one included). No key is needed: it describes the API, not a workspace.
 */
public final class ApiDocs implements Capability {
  private final Supplier<List<Capability>> capabilities;
  private final String version;
  private volatile Map<String, Object> document;

  /**
   * @param capabilities every capability of the server, read when the document is first asked for
   * @param version the server's version, for {@code info.version}
   */
  public ApiDocs(Supplier<List<Capability>> capabilities, String version) {
    this.capabilities = capabilities;
    this.version = version;
  }

  @Override
  public void routes(RoutesConfig routes) {
    routes.get("/openapi.json", ctx -> ctx.json(document()));
  }

  @Override
  public void describe(OpenApi api) {
    api.tag("meta", "The API's own description");
    api.operation("GET", "/openapi.json", "meta", "This OpenAPI 3.1 document")
        .json(200, "the document", Map.of("type", "object"));
  }

  /** The document (built once). */
  public Map<String, Object> document() {
    Map<String, Object> d = document;
    if (d == null) {
      d = build().document(version);
      document = d;
    }
    return d;
  }

  /** The description every capability contributes. */
  public OpenApi build() {
    OpenApi api = new OpenApi();
    for (Capability c : capabilities.get()) {
      c.describe(api);
    }
    return api;
  }
}
