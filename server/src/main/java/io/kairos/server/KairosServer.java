package io.kairos.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.kairos.journey.JourneyLoadException;
import io.kairos.server.config.ConfigException;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.definitions.DefinitionManager;
import io.kairos.server.definitions.DefinitionsApi;
import io.kairos.server.definitions.DirectorySeed;
import io.kairos.server.definitions.Document;
import io.kairos.server.definitions.PublishedDefinitions;
import io.kairos.server.delivery.Delivery;
import io.kairos.server.delivery.Dispatcher;
import io.kairos.server.http.Authenticator;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import io.kairos.server.inbox.Inbox;
import io.kairos.server.ingest.Ingestion;
import io.kairos.server.openapi.ApiDocs;
import io.kairos.server.ops.Metrics;
import io.kairos.server.ops.Operations;
import io.kairos.server.profiles.ProfilesApi;
import io.kairos.server.runtime.InputLog;
import io.kairos.server.runtime.LiveRuntime;
import io.kairos.server.store.Database;
import io.kairos.server.workspace.Workspaces;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server: one process with the HTTP API, the store and the live runtime. {@link
 * #start} opens (and migrates) the store, creates the {@code default} workspace on first start,
 * starts every capability and then the HTTP listener; {@link #close} stops in reverse order: refuse
 * new work and answer what was accepted, close the listener, drain and commit, close the store.
 */
public final class KairosServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KairosServer.class);

  /** The version {@code /openapi.json} reports. */
  public static final String VERSION = "0.1.0";

  private final ServerConfig config;
  private final Database db;
  private final Workspaces workspaces;
  private final DefinitionManager definitions;
  private final Metrics metrics = new Metrics();
  private final List<Capability> capabilities = new ArrayList<>();
  private final Ingestion ingestion;
  private final InputLog inputLog;
  private final LiveRuntime runtime;
  private final Dispatcher dispatcher;
  private final Inbox inbox;
  private final AtomicBoolean accepting = new AtomicBoolean(false);
  private final AtomicBoolean closed = new AtomicBoolean(false);
  private Javalin http;

  private KairosServer(ServerConfig config, InstantSource clock) {
    this.config = config;
    this.db = Database.open(config);
    try {
      this.workspaces = new Workspaces(db, clock);
      this.definitions = new DefinitionManager(db, clock);
      createDefaultWorkspace();
      Authenticator auth = new Authenticator(workspaces);
      capabilities.add(new Operations(db, metrics, this::ready));
      // The ingest writer is the log's only writer: the runtime's own inputs (API triggers,
      // erasures) go through it too, so seqs stay one increasing sequence.
      this.ingestion = new Ingestion(config, db, auth, metrics, clock);
      this.inputLog = new IngestedInputLog(ingestion.eventLog());
      // Capabilities stop in reverse order: whatever feeds the runtime (ingestion) is added after
      // it, so that it stops first and the runtime can apply what it accepted.
      this.runtime = new LiveRuntime(config, db, definitions, inputLog, clock, metrics);
      ingestion.limitBacklog(runtime::lagEvents);
      capabilities.add(runtime);
      capabilities.add(new DefinitionsApi(definitions, auth));
      // Erasures and API triggers feed the runtime: added after it, so it stops first.
      capabilities.add(new ProfilesApi(db, runtime, definitions, auth, clock));
      capabilities.add(new ApiDocs(() -> capabilities, VERSION));
      // Added last so it stops first: no new events while the runtime drains.
      capabilities.add(ingestion);
      // The dispatcher records outcomes through the ingest writer, so it stops before it.
      Inbox inbox = Inbox.create(db, ingestion.eventLog(), auth, clock, Inbox.HEARTBEAT);
      Delivery delivery =
          Delivery.create(
              config,
              db,
              ingestion.eventLog(),
              runtime,
              definitions,
              auth,
              inbox.channel(),
              clock,
              this::port);
      this.dispatcher = delivery.dispatcher();
      capabilities.add(delivery.previewApi());
      capabilities.add(delivery.smsWebhooks());
      // Opens, clicks and unsubscribes are recorded through the ingest writer: stops before it.
      capabilities.add(delivery.engagementApi());
      capabilities.add(dispatcher);
      // Last, so it stops first: its open streams are closed before the listener waits for the
      // requests in flight (an open stream is one), and its writes go through the ingest writer.
      capabilities.add(inbox.api());
      this.inbox = inbox;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Creates the {@code default} workspace on first start, with the definitions of {@code
   * journeys.dir} and the templates of {@code templates.dir} published in it (in the same
   * transaction). A directory that does not load stops the start with every problem; an existing
   * workspace is never seeded again.
   */
  private void createDefaultWorkspace() {
    List<Document> seed = new ArrayList<>();
    boolean fresh = !workspaces.exists(Workspaces.DEFAULT);
    if (config.journeysDir() != null && fresh) {
      seed.addAll(DirectorySeed.read(config.journeysDir()));
      List<JourneyLoadException.Problem> problems = definitions.problems(seed);
      if (!problems.isEmpty()) {
        throw new ConfigException(
            "journeys.dir: "
                + config.journeysDir()
                + " loads, but not once split into documents (please report this): "
                + problems);
      }
    }
    int templates = 0;
    if (config.templatesDir() != null && fresh) {
      List<Document> t = DirectorySeed.templates(config.templatesDir());
      templates = t.size();
      seed.addAll(t);
    }
    List<Document> docs = List.copyOf(seed);
    if (workspaces.create(
        Workspaces.DEFAULT,
        "Default workspace",
        c -> {
          definitions.seed(c, Workspaces.DEFAULT, docs);
          return null;
        })) {
      log.info(
          "created workspace '{}'{}{}",
          Workspaces.DEFAULT,
          docs.size() == templates
              ? ""
              : " with " + (docs.size() - templates) + " definitions from " + config.journeysDir(),
          templates == 0 ? "" : " and " + templates + " templates from " + config.templatesDir());
    } else if (config.journeysDir() != null || config.templatesDir() != null) {
      log.info(
          "workspace '{}' exists: journeys.dir {} and templates.dir {} are not imported again",
          Workspaces.DEFAULT,
          config.journeysDir(),
          config.templatesDir());
    }
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
              // A stop closes the listener, answers new requests on open connections with 503
              // and waits (at most shutdown.grace) for the requests in flight to be answered.
              // Javalin puts its handler inside this one.
              cfg.jetty.modifyServer(
                  server -> {
                    server.setHandler(new GracefulHandler());
                    server.setStopTimeout(Math.max(1, config.shutdownGrace().toMillis()));
                  });
              // Jetty reuses the header fields a connection sent before and by default matches
              // them ignoring letter case: an Authorization differing from the last one only in
              // case would be read as the last one. Credentials are case-sensitive.
              cfg.jetty.modifyHttpConfiguration(h -> h.setHeaderCacheCaseSensitive(true));
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
                    // A handler's own 404 (no such journey) is a problem already; keep it, and
                    // so the pages and pixel of the public link endpoints (an invalid link). The
                    // servlet may have appended a charset to the media type.
                    String type = ctx.res().getContentType();
                    if (type == null
                        || !(type.startsWith(Problem.MEDIA_TYPE)
                            || type.startsWith("text/html")
                            || type.startsWith("image/gif"))) {
                      problem(ctx, Problem.of(404, "Not Found", "no route " + ctx.path()));
                    }
                  });
              for (Capability c : capabilities) {
                c.routes(cfg.routes);
              }
            });
    for (Capability c : capabilities) {
      if (c != dispatcher) {
        c.start();
      }
    }
    http.start();
    // Messages carry links to this server: with port 0 its port is known only once it listens, so
    // the dispatcher starts after (a message composed before would fail on the missing port).
    dispatcher.start();
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

  /** The definitions store: what the runtime runs, and the management API's store. */
  public DefinitionManager definitions() {
    return definitions;
  }

  /** What the runtime reads: the definitions published in each workspace. */
  public PublishedDefinitions publishedDefinitions() {
    return definitions;
  }

  /** Every registered HTTP route as {@code METHOD path} (for the OpenAPI completeness test). */
  public List<String> routes() {
    List<String> out = new ArrayList<>();
    for (var e : http.unsafe.internalRouter.allHttpHandlers()) {
      out.add(e.endpoint.method.name() + " " + e.endpoint.path);
    }
    return out;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The live engine runtime. */
  /** The dispatcher: delivers what the runtime writes to the outbox. */
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** The in-app inbox: its channel and API. */
  public Inbox inbox() {
    return inbox;
  }

  public LiveRuntime runtime() {
    return runtime;
  }

  /** The events log the runtime reads. */
  public InputLog inputLog() {
    return inputLog;
  }

  /** Ingestion: the event log the runtime reads, and the partition function. */
  public Ingestion ingestion() {
    return ingestion;
  }

  /**
   * Graceful stop, each step logged: {@code /health/ready} turns 503 and every capability refuses
   * new work ({@link Capability#stopAccepting}: tracking requests get 503, what the ingest writer
   * had queued is committed and answered); then the HTTP listener closes once the requests in
   * flight are answered; then every capability stops in reverse order (the runtime's writers commit
   * the batch they are in); then the store closes. Each wait is bounded by {@code shutdown.grace}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info(
        "stopping: new requests are refused, accepted ones committed (shutdown.grace {})",
        config.shutdownGrace());
    accepting.set(false);
    for (int i = capabilities.size() - 1; i >= 0; i--) {
      Capability c = capabilities.get(i);
      try {
        c.stopAccepting();
      } catch (RuntimeException e) {
        log.error("stopping {} failed", c.getClass().getSimpleName(), e);
      }
    }
    if (http != null) {
      http.stop();
      log.info("HTTP listener closed");
    }
    for (int i = capabilities.size() - 1; i >= 0; i--) {
      Capability c = capabilities.get(i);
      try {
        c.stop();
      } catch (RuntimeException e) {
        log.error("stopping {} failed", c.getClass().getSimpleName(), e);
      }
    }
    db.close();
    log.info("stopped: store closed");
  }
}
