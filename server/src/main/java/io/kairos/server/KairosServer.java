package io.kairos.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.http.Authenticator;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.ingest.Ingestion;
import io.kairos.server.ops.Metrics;
import io.kairos.server.ops.Operations;
import io.kairos.server.store.Database;
import io.kairos.server.workspace.Workspaces;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server: one process with the HTTP API, the store and the live runtime. {@link
 * #start} opens (and migrates) the store, creates the {@code default} workspace on first start,
 * starts every capability and then the HTTP listener; {@link #close} stops in reverse order: refuse
 * new requests, drain and commit, close the store.
 */
public final class KairosServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KairosServer.class);

  private final ServerConfig config;
  private final Database db;
  private final Workspaces workspaces;
  private final Metrics metrics = new Metrics();
  private final List<Capability> capabilities = new ArrayList<>();
  private final Ingestion ingestion;
  private final AtomicBoolean accepting = new AtomicBoolean(false);
  private final AtomicBoolean closed = new AtomicBoolean(false);
  private Javalin http;

  private KairosServer(ServerConfig config, InstantSource clock) {
    this.config = config;
    this.db = Database.open(config);
    this.workspaces = new Workspaces(db, clock);
    if (workspaces.create(Workspaces.DEFAULT, "Default workspace")) {
      log.info("created workspace '{}'", Workspaces.DEFAULT);
    }
    Authenticator auth = new Authenticator(workspaces);
    capabilities.add(new Operations(db, metrics, this::ready));
    // Added last so it stops first: no new events while the runtime drains.
    this.ingestion = new Ingestion(config, db, auth, metrics, clock);
    capabilities.add(ingestion);
  }

  /**
   * Starts a server.
   *
   * @param clock the wall clock in production; tests pass a clock they move
   */
  public static KairosServer start(ServerConfig config, InstantSource clock) {
    KairosServer server = new KairosServer(config, clock);
    try {
      server.startHttp();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void startHttp() {
    http =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.host = config.host();
              cfg.jetty.port = config.port();
              cfg.http.maxRequestSize = config.maxBatchBytes();
              cfg.routes.exception(ProblemException.class, (e, ctx) -> problem(ctx, e.problem()));
              cfg.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("request {} {} failed", ctx.method(), ctx.path(), e);
                    problem(ctx, Problem.of(500, "Internal Server Error", "the server failed"));
                  });
              cfg.routes.error(
                  404,
                  ctx -> {
                    if (!Problem.MEDIA_TYPE.equals(ctx.res().getContentType())) {
                      problem(ctx, Problem.of(404, "Not Found", "no route " + ctx.path()));
                    }
                  });
              for (Capability c : capabilities) {
                c.routes(cfg.routes);
              }
            });
    for (Capability c : capabilities) {
      c.start();
    }
    http.start();
    accepting.set(true);
    log.info("listening on http://{}:{} (store: {})", config.host(), port(), db.kind());
  }

  /** Answers with a problem document. */
  public static void problem(Context ctx, Problem p) {
    ctx.status(p.status()).contentType(Problem.MEDIA_TYPE).json(p.body());
    // json() sets application/json; the problem media type must win.
    ctx.contentType(Problem.MEDIA_TYPE);
  }

  private boolean ready() {
    if (!accepting.get()) {
      return false;
    }
    for (Capability c : capabilities) {
      if (!c.ready()) {
        return false;
      }
    }
    return true;
  }

  /** The port the HTTP server listens on (the chosen one when configured as 0). */
  public int port() {
    return http.port();
  }

  public ServerConfig config() {
    return config;
  }

  public Database database() {
    return db;
  }

  public Workspaces workspaces() {
    return workspaces;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Ingestion: the event log the runtime reads, and the partition function. */
  public Ingestion ingestion() {
    return ingestion;
  }

  /** Graceful stop: refuse new requests, let capabilities drain and commit, close the store. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    accepting.set(false);
    if (http != null) {
      http.stop();
    }
    for (int i = capabilities.size() - 1; i >= 0; i--) {
      try {
        capabilities.get(i).stop();
      } catch (RuntimeException e) {
        log.error("stopping {} failed", capabilities.get(i).getClass().getSimpleName(), e);
      }
    }
    db.close();
    log.info("stopped");
  }
}
