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

  /**
   * The first step of a graceful stop, while the HTTP listener still answers: refuse new work from
   * now on (requests get 503) and finish what was accepted, so that every request waiting on it is
   * answered. Called on every capability, in reverse order, before the listener closes.
   */
  default void stopAccepting() {}

  /**
   * The last step of a graceful stop, after the listener closed: finish and commit what was
   * accepted and end background work. The store closes after it.
   */
  default void stop() {}
}
