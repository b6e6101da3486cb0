package io.kairos.server;

import io.javalin.config.RoutesConfig;
import io.kairos.server.openapi.OpenApi;

/**
 * One capability of the server (tracking, runtime, management, operations): the routes it serves
 * and its life cycle. The server starts capabilities in order and stops them in reverse, so what
 * feeds another (ingestion feeds the runtime) stops first.
 */
public interface Capability {

  /** Registers the capability's HTTP routes. */
  default void routes(RoutesConfig routes) {}

  /**
   * Describes the capability's routes in the OpenAPI document ({@code /openapi.json}); every route
   * registered in {@link #routes} must be described (ApiDocsTest checks it).
   */
  default void describe(OpenApi api) {}

  /** Starts background work; called once, after every capability's routes are registered. */
  default void start() {}

  /** Whether the capability can take traffic now (for {@code /health/ready}). */
  default boolean ready() {
    return true;
  }

  /** Stops accepting work, finishes and commits what was accepted. */
  default void stop() {}
}
