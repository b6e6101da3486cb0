package io.kairos.serve;

import io.kairos.server.config.ConfigLoader;
import io.kairos.server.config.ServerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options shared by every command that opens the server's store: where the configuration and the
 * data are. Precedence: defaults, then {@code --config} file, then {@code KAIROS_*} environment
 * variables, then these options.
 */
public final class ServerOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration file (keys in docs/operations.md)")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "data directory of the embedded SQLite store (default ./data)")
  Path data;

  /** The configuration these options, the file and the environment give. */
  public ConfigLoader loader() {
    ConfigLoader loader = new ConfigLoader();
    if (config != null) {
      loader.file(config);
    }
    loader.env(System.getenv());
    if (data != null) {
      loader.set("data.dir", data.toString());
    }
    return loader;
  }

  public ServerConfig build() {
    return loader().build();
  }
}
