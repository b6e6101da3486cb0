package io.kairos.server.config;

import io.kairos.time.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Builds a {@link ServerConfig}: defaults, then a YAML file (nested maps or dotted keys), then
 * environment variables ({@code KAIROS_} + the key in upper case with dots as underscores), then
 * command-line overrides. Every key is known: an unknown key in the file is an error (a typo must
 * not silently fall back to a default), and every value is checked with a message naming the key.
 */
public final class ConfigLoader {

  /** One configuration key: its name, default and what it means (for docs and messages). */
  public record Key(String name, String defaultValue, String description) {
    /** The environment variable that sets this key. */
    public String envName() {
      return "KAIROS_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }
  }

  /** Every key, in the order docs/operations.md lists them. */
  public static final List<Key> KEYS =
      List.of(
          new Key("server.host", "127.0.0.1", "address the HTTP server listens on"),
          new Key("server.port", "8080", "HTTP port (0 picks a free port)"),
          new Key("data.dir", "./data", "directory of the SQLite file"),
          new Key("store.url", "", "jdbc:postgresql://host:port/db to use PostgreSQL"),
          new Key("store.user", "", "PostgreSQL user (or in the URL)"),
          new Key("store.password", "", "PostgreSQL password (or in the URL)"),
          new Key("store.sqlite.synchronous", "FULL", "FULL: fsync per commit; NORMAL: faster"),
          new Key("journeys.dir", "", "definitions loaded into a new 'default' workspace"),
          new Key("runtime.partitions", "2", "partitions profiles are spread over"),
          new Key("runtime.batch_size", "500", "inputs a partition applies per transaction"),
          new Key("runtime.timer_window", "10000", "soonest timers each partition keeps in memory"),
          new Key(
              "runtime.cache_profiles", "100000", "profile states kept in memory, all partitions"),
          new Key("ingest.max_event_bytes", "32768", "largest single event accepted"),
          new Key("ingest.max_batch_bytes", "512000", "largest request body accepted"),
          new Key("ingest.dedupe_window", "7d", "how long a messageId is remembered"),
          new Key("ingest.future_tolerance", "10m", "how far ahead a timestamp may be"),
          new Key(
              "ingest.past_tolerance",
              "72h",
              "events older than this are stored and update the profile but start no journey"),
          new Key(
              "ingest.max_import_bytes",
              "52428800",
              "largest profile import body (/v1/profiles/import), read as a stream"),
          new Key(
              "ingest.queue_capacity",
              "50000",
              "events waiting for the ingest writer before requests are refused with 503"),
          new Key("shutdown.grace", "10s", "how long shutdown waits for in-flight work"));

  private final Map<String, String> values = new LinkedHashMap<>();

  public ConfigLoader() {
    for (Key k : KEYS) {
      values.put(k.name(), k.defaultValue());
    }
  }

  /** Reads a YAML file; nested maps become dotted keys ({@code server: {port: 8080}}). */
  public ConfigLoader file(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("--config " + file + ": cannot read (" + e.getMessage() + ")");
    }
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().build()).loadFromString(text);
    } catch (RuntimeException e) {
      throw new ConfigException(file + ": not valid YAML (" + e.getMessage() + ")");
    }
    if (doc == null) {
      return this;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException(file + ": expected a map of configuration keys");
    }
    flatten(file, "", map);
    return this;
  }

  private void flatten(Path file, String prefix, Map<?, ?> map) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> inner) {
        flatten(file, key + ".", inner);
      } else {
        set(file + ": " + key, key, e.getValue() == null ? "" : String.valueOf(e.getValue()));
      }
    }
  }

  /** Takes every {@code KAIROS_*} variable that names a key. Unrelated variables are ignored. */
  public ConfigLoader env(Map<String, String> env) {
    for (Key k : KEYS) {
      String v = env.get(k.envName());
      if (v != null) {
        values.put(k.name(), v);
      }
    }
    return this;
  }

  /** Sets one key (a command-line option). */
  public ConfigLoader set(String key, String value) {
    return set(key, key, value);
  }

  private ConfigLoader set(String where, String key, String value) {
    if (!values.containsKey(key)) {
      throw new ConfigException(where + ": unknown configuration key; known keys: " + names());
    }
    values.put(key, value);
    return this;
  }

  private static String names() {
    List<String> n = new ArrayList<>();
    for (Key k : KEYS) {
      n.add(k.name());
    }
    return String.join(", ", n);
  }

  /**
   * Validates every value and builds the configuration.
   *
   * @throws ConfigException naming the first key whose value cannot be used, and why
   */
  public ServerConfig build() {
    String url = blankToNull(values.get("store.url"));
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException(
          "store.url: expected a jdbc:postgresql://host:port/database URL, got '" + url + "'");
    }
    String sync = values.get("store.sqlite.synchronous").trim().toUpperCase(Locale.ROOT);
    if (!sync.equals("FULL") && !sync.equals("NORMAL")) {
      throw new ConfigException(
          "store.sqlite.synchronous: expected FULL or NORMAL, got '" + sync + "'");
    }
    String journeys = blankToNull(values.get("journeys.dir"));
    int maxEvent = integer("ingest.max_event_bytes", 256, 16 << 20);
    int maxBatch = integer("ingest.max_batch_bytes", 256, 64 << 20);
    if (maxBatch < maxEvent) {
      throw new ConfigException(
          "ingest.max_batch_bytes: must be at least ingest.max_event_bytes (" + maxEvent + ")");
    }
    long maxImport = integer("ingest.max_import_bytes", 1024, Integer.MAX_VALUE);
    if (maxImport < maxBatch) {
      throw new ConfigException(
          "ingest.max_import_bytes: must be at least ingest.max_batch_bytes (" + maxBatch + ")");
    }
    return new ServerConfig(
        nonBlank("server.host"),
        integer("server.port", 0, 65535),
        Path.of(nonBlank("data.dir")),
        url,
        blankToNull(values.get("store.user")),
        blankToNull(values.get("store.password")),
        sync,
        journeys == null ? null : Path.of(journeys),
        integer("runtime.partitions", 1, 256),
        maxEvent,
        maxBatch,
        duration("ingest.dedupe_window"),
        duration("ingest.future_tolerance"),
        duration("ingest.past_tolerance"),
        duration("shutdown.grace"),
        integer("runtime.batch_size", 1, 100_000),
        integer("runtime.timer_window", 16, 10_000_000),
        integer("runtime.cache_profiles", 0, 100_000_000),
        maxImport,
        integer("ingest.queue_capacity", 100, 10_000_000));
  }

  private String nonBlank(String key) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigException(key + ": must not be empty");
    }
    return v.trim();
  }

  private int integer(String key, int min, int max) {
    String v = values.get(key).trim();
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": expected a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(key + ": must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private Duration duration(String key) {
    String v = values.get(key);
    Span span;
    try {
      span = Span.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
    if (span.months() != 0) {
      throw new ConfigException(key + ": use days, hours, minutes or seconds, not months or years");
    }
    return Duration.ofDays(span.days()).plusMillis(span.millis());
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }
}
