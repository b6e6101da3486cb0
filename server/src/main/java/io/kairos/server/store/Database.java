package io.kairos.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The server's one store: an embedded SQLite file (WAL) by default, or PostgreSQL. Both get the
 * same schema through migrations ({@code db/migration/sqlite|postgresql}); every capability writes
 * its own SQL against it, in the subset both dialects share ({@code INSERT ... ON CONFLICT}, {@code
 * LIMIT}), and asks {@link #kind()} only where they differ.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** Which database is behind the store. */
  public enum Kind {
    SQLITE("sqlite"),
    POSTGRES("postgresql");

    private final String migrations;

    Kind(String migrations) {
      this.migrations = migrations;
    }
  }

  /** The SQLite file inside the data directory. */
  public static final String SQLITE_FILE = "kairos.db";

  private final Kind kind;

  /**
   * Pages of SQLite's page cache per connection, negative in KiB (SQLite's convention): 16 MB, so a
   * partition writer finds the upper levels of every index, and its hot rows, in memory.
   */
  static final int SQLITE_CACHE_KIB = 16_384;

  private final HikariDataSource pool;

  /**
   * SQLite: held by every write transaction of this process, fair, so writers take turns in the
   * order they came instead of polling SQLite's file lock (its busy handler sleeps up to 100 ms
   * between tries, whatever the lock does meanwhile). Null for PostgreSQL, whose writers do not
   * share a lock.
   */
  private final ReentrantLock writeLock;

  private final WalCheckpointer checkpointer;

  /** PostgreSQL: analyzes tables that outgrew their planner statistics; null for SQLite. */
  private final TableStatistics statistics;

  /**
   * SQLite at {@code synchronous=FULL}: an unforced transaction's connection is switched to NORMAL
   * for its commit and back.
   */
  private final boolean forcesEveryCommit;

  private final LongAdder forcedCommits = new LongAdder();
  private final LongAdder unforcedCommits = new LongAdder();
  private final LongAdder writeLockWaitNanos = new LongAdder();
  private final LongAdder[] heldByWriter = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final LongAdder[] turnsByWriter = {new LongAdder(), new LongAdder(), new LongAdder()};

  /**
   * Who takes the write lock, told apart by the thread's name: the threads of {@link #INGEST} and
   * {@link #RUNTIME} are named with {@link #threadName}.
   */
  public enum Writer {
    /**
     * The ingest writer: its copies of the log, and the appends that ride on its transactions
     * (triggers, erasures, the dispatcher's claims and outcomes).
     */
    INGEST("kairos-ingest-writer"),
    /** The partition writers' batches (one thread per partition, numbered). */
    RUNTIME("kairos-partition-"),
    /** Everything else: the API, and any other thread's own transactions. */
    OTHER("");

    private final String prefix;

    Writer(String prefix) {
      this.prefix = prefix;
    }

    /** The name of this writer's thread; {@code suffix} tells several apart (or is empty). */
    public String threadName(String suffix) {
      return prefix + suffix;
    }

    static Writer current() {
      String name = Thread.currentThread().getName();
      for (Writer w : new Writer[] {INGEST, RUNTIME}) {
        if (name.startsWith(w.prefix)) {
          return w;
        }
      }
      return OTHER;
    }
  }

  private Database(
      Kind kind,
      HikariDataSource pool,
      Supplier<Connection> checkpoints,
      long restartPages,
      long truncatePages,
      boolean forcesEveryCommit) {
    this.kind = kind;
    this.forcesEveryCommit = forcesEveryCommit;
    this.pool = pool;
    this.writeLock = kind == Kind.SQLITE ? new ReentrantLock(true) : null;
    this.checkpointer =
        checkpoints == null
            ? null
            : new WalCheckpointer(checkpoints, writeLock, restartPages, truncatePages);
    this.statistics = kind == Kind.POSTGRES ? TableStatistics.start(pool) : null;
  }

  /** Opens the store the configuration names and brings its schema up to date. */
  public static Database open(ServerConfig config) {
    if (config.usesPostgres()) {
      return postgres(config.storeUrl(), config.storeUser(), config.storePassword());
    }
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new StoreException("data.dir " + config.dataDir() + ": cannot create", e);
    }
    return sqlite(config.dataDir().resolve(SQLITE_FILE), config.sqliteSynchronous());
  }

  /**
   * An SQLite file in WAL mode. Write transactions begin {@code IMMEDIATE}, so two writers queue on
   * the file lock (up to the busy timeout) instead of failing when one upgrades a read lock.
   *
   * @param synchronous {@code FULL} (each commit is on disk before it returns) or {@code NORMAL}
   *     (survives a killed process, may lose the last commits on power loss)
   */
  public static Database sqlite(Path file, String synchronous) {
    return sqlite(file, synchronous, WalCheckpointer.RESTART_PAGES, WalCheckpointer.TRUNCATE_PAGES);
  }

  /** With other write-ahead log bounds (in pages), for tests. */
  static Database sqlite(Path file, String synchronous, long restartPages, long truncatePages) {
    SQLiteConfig sc = new SQLiteConfig();
    sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sc.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous));
    sc.setBusyTimeout(30_000);
    sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    sc.enforceForeignKeys(true);
    sc.setCacheSize(-SQLITE_CACHE_KIB);
    // Checkpoints run on the WalCheckpointer's thread, not inside a commit.
    sc.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
    SQLiteDataSource ds = new SQLiteDataSource(sc);
    ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(ds);
    hc.setPoolName("kairos-sqlite");
    hc.setMaximumPoolSize(8);
    Supplier<Connection> checkpoints =
        () -> {
          try {
            return ds.getConnection();
          } catch (SQLException e) {
            throw new StoreException("store: " + e.getMessage(), e);
          }
        };
    return migrate(
        new Database(
            Kind.SQLITE,
            new HikariDataSource(hc),
            checkpoints,
            restartPages,
            truncatePages,
            synchronous.equals("FULL")));
  }

  /** A PostgreSQL database reached by a {@code jdbc:postgresql:} URL. */
  public static Database postgres(String url, String user, String password) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    if (user != null) {
      hc.setUsername(user);
    }
    if (password != null) {
      hc.setPassword(password);
    }
    hc.setPoolName("kairos-postgres");
    hc.setMaximumPoolSize(16);
    // Batched inserts become multi-row statements: one round trip per batch, not per row.
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    return migrate(new Database(Kind.POSTGRES, new HikariDataSource(hc), null, 0, 0, false));
  }

  private static Database migrate(Database db) {
    try {
      Flyway.configure()
          .dataSource(db.pool)
          .locations("classpath:db/migration/" + db.kind.migrations)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      db.close();
      throw new StoreException("schema migration failed: " + e.getMessage(), e);
    }
    return db;
  }

  public Kind kind() {
    return kind;
  }

  /** The pooled data source, for code that manages its own connections. */
  public DataSource dataSource() {
    return pool;
  }

  /** A pooled connection in auto-commit mode; the caller closes it. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   *
   * @throws StoreException when the database fails; nothing of the work is kept
   */
  public <T> T transaction(SqlWork<T> work) {
    return transaction(true, work);
  }

  /**
   * {@link #transaction}, or, when not {@code forced}, one whose commit may return before it is
   * forced to disk. Such a commit is visible at once and survives a killed process; a power loss
   * (or a crash of PostgreSQL's host) may undo it until the next forced commit of any writer, since
   * forcing the store's log to disk forces every commit before. Only for writes that have another
   * durable copy until then, as the ingest writer's rows have in the ingest log, or that are made
   * again from durable inputs, as the runtime's batches are, and that nothing outside the process
   * depends on before a forced commit.
   */
  public <T> T transaction(boolean forced, SqlWork<T> work) {
    if (writeLock == null) {
      return inTransaction(work, forced);
    }
    long asked = System.nanoTime();
    writeLock.lock();
    long taken = System.nanoTime();
    try {
      T result = inTransaction(work, forced);
      checkpointer.committed();
      return result;
    } finally {
      writeLock.unlock();
      long held = System.nanoTime() - taken;
      writeLockWaitNanos.add(taken - asked);
      int w = Writer.current().ordinal();
      heldByWriter[w].add(held);
      turnsByWriter[w].increment();
    }
  }

  private <T> T inTransaction(SqlWork<T> work, boolean forced) {
    Connection c = null;
    boolean relaxed = false;
    try {
      c = pool.getConnection();
      if (!forced && forcesEveryCommit) {
        pragmaSynchronous(c, "NORMAL");
        relaxed = true;
      }
      c.setAutoCommit(false);
      try {
        if (!forced && kind == Kind.POSTGRES) {
          try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit TO OFF");
          }
        }
        T result = work.run(c);
        c.commit();
        (forced ? forcedCommits : unforcedCommits).increment();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("store: " + e.getMessage(), e);
    } finally {
      release(c, relaxed);
    }
  }

  private static void pragmaSynchronous(Connection c, String mode) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA synchronous = " + mode);
    }
  }

  /**
   * Back to the pool, forcing its commits again first; a connection that cannot be set back is
   * closed for good, so no later transaction commits unforced by accident.
   */
  private void release(Connection c, boolean relaxed) {
    if (c == null) {
      return;
    }
    if (relaxed) {
      try {
        pragmaSynchronous(c, "FULL");
      } catch (SQLException e) {
        log.warn("store: a connection could not be set back to synchronous=FULL; closing it", e);
        pool.evictConnection(c);
        return;
      }
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.warn("store: closing a connection failed", e);
    }
  }

  /** How many transactions committed forced to disk. */
  public long forcedCommits() {
    return forcedCommits.sum();
  }

  /** How many transactions committed without being forced to disk. */
  public long unforcedCommits() {
    return unforcedCommits.sum();
  }

  /** Runs read-only {@code work} on a connection in auto-commit mode. */
  public <T> T read(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException("store: " + e.getMessage(), e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the pool discards it and the transaction never committed.
    }
  }

  /**
   * Seconds write transactions of this process held SQLite's write lock, in total: its rate is the
   * share of the time the store writes (near 1: the store is what limits throughput). 0 for
   * PostgreSQL.
   */
  public double writeLockHeldSeconds() {
    long held = 0;
    for (LongAdder a : heldByWriter) {
      held += a.sum();
    }
    return held / 1e9;
  }

  /** Seconds {@code writer}'s transactions held SQLite's write lock; 0 for PostgreSQL. */
  public double writeLockHeldSeconds(Writer writer) {
    return heldByWriter[writer.ordinal()].sum() / 1e9;
  }

  /** How many write transactions {@code writer} made on SQLite; 0 for PostgreSQL. */
  public double writeLockTurns(Writer writer) {
    return turnsByWriter[writer.ordinal()].sum();
  }

  /** Seconds write transactions waited for the write lock, summed over the waiting threads. */
  public double writeLockWaitSeconds() {
    return writeLockWaitNanos.sum() / 1e9;
  }

  /**
   * Waits for the background checkpointer to copy what is committed now into the database file
   * (SQLite), for tests; true at once for PostgreSQL.
   */
  boolean awaitCheckpoint(long millis) throws InterruptedException {
    return checkpointer == null || checkpointer.awaitNextCheckpoint(millis);
  }

  /**
   * Seconds SQLite's write-ahead log checkpointer held the write lock to start the log over (or
   * truncate it), in total; 0 on PostgreSQL. Not counted in {@link #writeLockHeldSeconds()}, which
   * counts transactions; every writer that asks meanwhile waits for it.
   */
  public double walRestartLockSeconds() {
    return checkpointer == null ? 0 : checkpointer.lockHeldSeconds();
  }

  /** How many times the checkpointer started SQLite's write-ahead log over; 0 on PostgreSQL. */
  public double walRestarts() {
    return checkpointer == null ? 0 : checkpointer.restarts();
  }

  /** The write lock, for tests; null for PostgreSQL. */
  ReentrantLock writeLock() {
    return writeLock;
  }

  /** The checkpointer, for tests; null for PostgreSQL. */
  WalCheckpointer checkpointer() {
    return checkpointer;
  }

  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.close();
    }
    if (statistics != null) {
      statistics.close();
    }
    pool.close();
  }
}
