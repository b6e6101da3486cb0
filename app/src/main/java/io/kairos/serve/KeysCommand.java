package io.kairos.serve;

import io.kairos.server.config.ConfigException;
import io.kairos.server.store.Database;
import io.kairos.server.store.StoreException;
import io.kairos.server.workspace.IssuedKey;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kairos keys}: issues and revokes API keys, working directly on the store. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description =
        "Creates and revokes API keys (works on the data directory or the configured store).",
    subcommands = {KeysCommand.Create.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code kairos keys create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Prints a new API key. The key is shown once; only its hash is stored.")
  public static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;

    @Option(names = "--workspace", required = true, description = "workspace id, e.g. default")
    String workspace;

    @Option(
        names = "--scope",
        required = true,
        description = "ingest (tracking API only), read, or admin")
    String scope;

    @Option(names = "--name", description = "a note to recognise the key by")
    String name;

    @Option(
        names = "--create-workspace",
        description = "create the workspace when it does not exist yet")
    boolean createWorkspace;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Scope s;
      try {
        s = Scope.parse(scope);
      } catch (IllegalArgumentException e) {
        err.println("kairos keys create: --" + e.getMessage());
        return 2;
      }
      try (Database db = Database.open(options.build())) {
        Workspaces ws = new Workspaces(db, InstantSource.system());
        if (createWorkspace) {
          ws.create(workspace, workspace);
        }
        IssuedKey key = ws.createKey(workspace, s, name);
        PrintWriter out = spec.commandLine().getOut();
        out.println(key.secret());
        out.flush();
        err.println(
            "key "
                + key.id()
                + " (scope "
                + s.label()
                + ") for workspace '"
                + workspace
                + "'; it is not shown again");
        return 0;
      } catch (ConfigException | StoreException | IllegalArgumentException e) {
        err.println("kairos keys create: " + e.getMessage());
        return 1;
      }
    }
  }

  /** {@code kairos keys revoke}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes an API key.")
  public static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;

    @Option(names = "--workspace", required = true, description = "workspace id")
    String workspace;

    @Option(names = "--id", required = true, description = "the key id (second part of the key)")
    String id;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try (Database db = Database.open(options.build())) {
        if (!new Workspaces(db, InstantSource.system()).revokeKey(workspace, id)) {
          err.println(
              "kairos keys revoke: --id: workspace '" + workspace + "' has no live key " + id);
          return 1;
        }
        err.println("revoked key " + id);
        return 0;
      } catch (ConfigException | StoreException e) {
        err.println("kairos keys revoke: " + e.getMessage());
        return 1;
      }
    }
  }
}
