package io.kairos.server.ops;

import io.javalin.config.RoutesConfig;
import io.kairos.server.Capability;
import io.kairos.server.openapi.OpenApi;
import io.kairos.server.store.Database;
import io.micrometer.core.instrument.FunctionCounter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live} (the process answers), {@code /health/ready} (the store answers and every
 * capability is ready; 503 otherwise, e.g. while draining), {@code /health} (both) and {@code
 * /metrics}. None needs a key: they reveal no customer data, and probes carry no credentials.
 */
public final class Operations implements Capability {
  private final Database db;
  private final Metrics metrics;
  private final BooleanSupplier capabilitiesReady;

  public Operations(Database db, Metrics metrics, BooleanSupplier capabilitiesReady) {
    this.db = db;
    this.metrics = metrics;
    this.capabilitiesReady = capabilitiesReady;
    if (db.kind() == Database.Kind.SQLITE) {
      FunctionCounter.builder("kairos.store.write.lock.held", db, Database::writeLockHeldSeconds)
          .baseUnit("seconds")
          .description(
              "time write transactions held SQLite's one write lock; a rate near 1 means the"
                  + " store's writes limit throughput")
          .register(metrics.registry());
      for (Database.Writer w : Database.Writer.values()) {
        String writer = w.name().toLowerCase(java.util.Locale.ROOT);
        FunctionCounter.builder(
                "kairos.store.write.lock.held.by", db, d -> d.writeLockHeldSeconds(w))
            .tag("writer", writer)
            .baseUnit("seconds")
            .description("time one kind of writer held SQLite's write lock: ingest, runtime, other")
            .register(metrics.registry());
        FunctionCounter.builder("kairos.store.write.lock.turns", db, d -> d.writeLockTurns(w))
            .tag("writer", writer)
            .description("write transactions one kind of writer made on SQLite")
            .register(metrics.registry());
      }
      FunctionCounter.builder("kairos.store.write.lock.wait", db, Database::writeLockWaitSeconds)
          .baseUnit("seconds")
          .description("time write transactions waited for the write lock, summed over writers")
          .register(metrics.registry());
      FunctionCounter.builder(
              "kairos.store.wal.restart.lock.held", db, Database::walRestartLockSeconds)
          .baseUnit("seconds")
          .description(
              "time the checkpointer held the write lock to start the write-ahead log over"
                  + " (no writer commits meanwhile)")
          .register(metrics.registry());
      FunctionCounter.builder("kairos.store.wal.restarts", db, Database::walRestarts)
          .description("times the checkpointer started the write-ahead log over")
          .register(metrics.registry());
    }
  }

  @Override
  public void routes(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
    routes.get(
        "/health/ready",
        ctx -> {
          Map<String, Object> body = readiness();
          ctx.status("up".equals(body.get("status")) ? 200 : 503).json(body);
        });
    routes.get(
        "/health",
        ctx -> {
          Map<String, Object> body = readiness();
          ctx.status("up".equals(body.get("status")) ? 200 : 503).json(body);
        });
    routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }

  @Override
  public void describe(OpenApi api) {
    api.tag("operations", "Health probes and metrics; no key needed");
    Map<String, Object> health =
        Map.of(
            "type",
            "object",
            "properties",
            Map.of(
                "status", Map.of("type", "string", "enum", java.util.List.of("up", "down")),
                "store", Map.of("type", "string"),
                "store_kind", Map.of("type", "string"),
                "accepting", Map.of("type", "boolean")));
    api.operation("GET", "/health/live", "operations", "Liveness: the process answers")
        .json(200, "alive", Map.of("type", "object"));
    api.operation("GET", "/health/ready", "operations", "Readiness: the store answers, accepting")
        .json(200, "ready", health)
        .json(503, "not ready (starting, draining, store down)", health);
    api.operation("GET", "/health", "operations", "Liveness and readiness")
        .json(200, "ready", health)
        .json(503, "not ready", health);
    api.operation("GET", "/metrics", "operations", "Prometheus metrics")
        .content(200, "text exposition format 0.0.4", "text/plain", Map.of("type", "string"));
  }

  private Map<String, Object> readiness() {
    Map<String, Object> body = new LinkedHashMap<>();
    boolean store = storeAnswers();
    boolean ready = capabilitiesReady.getAsBoolean();
    body.put("status", store && ready ? "up" : "down");
    body.put("store", store ? "up" : "down");
    body.put("store_kind", db.kind().name().toLowerCase(java.util.Locale.ROOT));
    body.put("accepting", ready);
    return body;
  }

  private boolean storeAnswers() {
    try {
      return db.read(c -> c.isValid(2));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
