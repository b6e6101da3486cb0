package io.kairos.serve;

import io.kairos.cli.Main;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store a {@link ChildServer} runs on, as an operator would point the CLI at it: an SQLite data
 * directory ({@code --data DIR}), or a new database on a real PostgreSQL server named in a
 * configuration file ({@code --config FILE}). The test reads it directly over JDBC.
 */
final class ChildStore {
  /** The stores every whole-server test runs against. */
  enum Kind {
    SQLITE,
    POSTGRES
  }

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private final Kind kind;
  private final List<String> args;
  private final String jdbcUrl;

  private ChildStore(Kind kind, List<String> args, String jdbcUrl) {
    this.kind = kind;
    this.args = args;
    this.jdbcUrl = jdbcUrl;
  }

  /** A new, empty store of {@code kind}, with its files in {@code dir}. */
  static ChildStore create(Kind kind, Path dir) throws IOException {
    if (kind == Kind.SQLITE) {
      Path data = dir.resolve("data");
      return new ChildStore(
          kind, List.of("--data", data.toString()), "jdbc:sqlite:" + data.resolve("kairos.db"));
    }
    String url = newPostgresDatabase();
    Path config = dir.resolve("kairos.yaml");
    Files.writeString(config, "store:\n  url: \"" + url + "\"\n  user: postgres\n");
    return new ChildStore(kind, List.of("--config", config.toString()), url);
  }

  Kind kind() {
    return kind;
  }

  /** The options that select this store, for {@code kairos server} and {@code kairos keys}. */
  List<String> args() {
    return args;
  }

  /**
   * Creates a key with {@code ./kairos keys create --workspace default --scope SCOPE} on this store
   * (in this JVM: the command works on the store directly, also while a server runs).
   */
  String createKey(String scope) {
    List<String> command = new ArrayList<>(List.of("keys", "create"));
    command.addAll(List.of("--workspace", "default", "--scope", scope));
    command.addAll(args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), command.toArray(String[]::new));
    if (code != 0) {
      throw new AssertionError("kairos " + command + " exited " + code + ": " + err);
    }
    return out.toString().strip();
  }

  /** A connection to the store, for the test's own queries. */
  Connection connect() throws SQLException {
    return kind == Kind.SQLITE
        ? DriverManager.getConnection(jdbcUrl)
        : DriverManager.getConnection(jdbcUrl, "postgres", null);
  }

  /** The single number a query gives. */
  long count(String sql, Object... params) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Every row of a query, each as its columns' values. */
  List<List<Object>> rows(String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  /** One PostgreSQL server per test JVM, started on first use and stopped when the JVM exits. */
  private static synchronized String newPostgresDatabase() throws IOException {
    if (postgres == null) {
      postgres = EmbeddedPostgres.builder().start();
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
    String name = "kairos_child_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException("cannot create database " + name, e));
    }
    return postgres.getJdbcUrl("postgres", name);
  }
}
