package io.kairos.serve;

import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigException;
import io.kairos.server.config.ConfigLoader;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kairos server}: runs the embedded server until SIGTERM or Ctrl-C. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Kairos server: tracking API, live journeys, management API.",
      "On first start it creates the 'default' workspace with the journeys of --journeys",
      "and the templates of --templates.",
      "SIGTERM or Ctrl-C stops it gracefully (docs/operations.md): exit code 0 once drained."
    })
public final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions options;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default 8080)")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
  String host;

  @Option(
      names = "--journeys",
      paramLabel = "DIR",
      description =
          "definitions loaded into a new 'default' workspace (default examples/journeys when"
              + " present)")
  Path journeys;

  @Option(
      names = "--templates",
      paramLabel = "DIR",
      description =
          "message templates (<id>.json) loaded into a new 'default' workspace (default"
              + " examples/templates when present and --journeys is not given)")
  Path templates;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    ServerConfig config;
    try {
      ConfigLoader loader = options.loader();
      if (port != null) {
        loader.set("server.port", String.valueOf(port));
      }
      if (host != null) {
        loader.set("server.host", host);
      }
      if (journeys != null) {
        loader.set("journeys.dir", journeys.toString());
      } else if (loader.get("journeys.dir").isBlank()
          && Files.isDirectory(Path.of("examples/journeys"))) {
        // Unless the file or KAIROS_JOURNEYS_DIR names a directory: the examples.
        loader.set("journeys.dir", "examples/journeys");
      }
      if (templates != null) {
        loader.set("templates.dir", templates.toString());
      } else if (loader.get("templates.dir").isBlank()
          && loader.get("journeys.dir").equals("examples/journeys")
          && Files.isDirectory(Path.of("examples/templates"))) {
        // The example journeys' templates, so that what they decide can be sent.
        loader.set("templates.dir", "examples/templates");
      }
      config = loader.build();
    } catch (ConfigException e) {
      err.println("kairos server: " + e.getMessage());
      return 2;
    }
    KairosServer server;
    try {
      server = KairosServer.start(config, InstantSource.system());
    } catch (StoreException e) {
      err.println("kairos server: " + e.getMessage());
      return 1;
    } catch (ConfigException e) {
      // journeys.dir or templates.dir does not load: every problem with its file.
      err.println("kairos server: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  int code = 0;
                  try {
                    server.close();
                  } catch (RuntimeException e) {
                    err.println("kairos server: the stop failed: " + e);
                    err.flush();
                    code = 1;
                  }
                  stopped.countDown();
                  // After SIGTERM or Ctrl-C the JVM would exit with 128 + the signal (143, 130)
                  // whatever happened here, and the main thread cannot return its code while the
                  // JVM shuts down. A drain that completed is a clean stop: say so with 0.
                  // halt skips any other shutdown hook still running; the server registers none
                  // (an async log appender with its own hook would need to be flushed first).
                  Runtime.getRuntime().halt(code);
                },
                "kairos-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    String where = config.usesPostgres() ? "PostgreSQL" : config.dataDir().toString();
    out.println("Kairos is listening on http://" + config.host() + ":" + server.port());
    out.println("Store: " + where);
    out.println("Create an API key with:");
    out.println(
        "  ./kairos keys create --workspace default --scope admin"
            + (options.data != null ? " --data " + options.data : ""));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
