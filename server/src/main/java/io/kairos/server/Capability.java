package io.kairos.server;

import io.javalin.config.RoutesConfig;

/**
 * One capability of the server (tracking, runtime, management, operations): the routes it serves
 * and its life cycle. The server starts capabilities in order and stops them in reverse, so what
 * feeds another (ingestion feeds the runtime) stops first.
 */
public interface Capability {

  /** Registers the capability's HTTP routes. */
  default void routes(RoutesConfig routes) {}

  /** Starts background work; called once, after every capability's routes are registered. */
  default void start() {}

  /** Whether the capability can take traffic now (for {@code /health/ready}). */
  default boolean ready() {
    return true;
  }

  /** Stops accepting work, finishes and commits what was accepted. */
  default void stop() {}
}
