package io.kairos.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps PostgreSQL's planner statistics up with tables that grow fast: every {@link
 * #PERIOD_SECONDS} it runs {@code ANALYZE} on each of the schema's tables that has had at least as
 * many rows written since its last analysis as it had then (and at least {@link #MIN_CHANGES}).
 *
 * <p>Why: a table PostgreSQL has no statistics for is planned as if empty, and on an "empty" table
 * every index costs the same, so the planner may pick any of them, and keeps that plan for a
 * prepared statement. On a new store that made the outbox's key updates walk the workspace's
 * journey index and the dedupe lookup scan every recent messageId: 30–400 ms each, the first
 * 100,000 events five times slower than the next. Autovacuum analyzes a table only after 10 % of it
 * changed and looks once a minute; a table that doubles in seconds outruns it. Once the tables grow
 * slowly, autovacuum's own rule acts first and this does nothing. See docs/decisions.md, 32.
 */
final class TableStatistics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TableStatistics.class);

  /** How often the tables' counts of changed rows are looked at. */
  static final long PERIOD_SECONDS = 2;

  /** Fewer changed rows than this never trigger an analysis: plans of tiny tables do not matter. */
  static final long MIN_CHANGES = 1_000;

  private final DataSource pool;
  private final ScheduledExecutorService timer;
  private final AtomicLong analyzed = new AtomicLong();
  private volatile boolean refused;

  /**
   * Whether the last round failed: a store that stays unreachable is reported once, not per round.
   */
  private boolean failing;

  private TableStatistics(DataSource pool, boolean scheduled) {
    this.pool = pool;
    if (scheduled) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "kairos-table-statistics");
                t.setDaemon(true);
                return t;
              });
      timer.scheduleWithFixedDelay(this::roundQuietly, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    } else {
      timer = null;
    }
  }

  /** Starts the rounds on a daemon thread of its own. */
  static TableStatistics start(DataSource pool) {
    return new TableStatistics(pool, true);
  }

  /** Without a thread: the caller runs {@link #round()}, for tests. */
  static TableStatistics manual(DataSource pool) {
    return new TableStatistics(pool, false);
  }

  private void roundQuietly() {
    if (refused) {
      return;
    }
    try {
      round();
      if (failing) {
        log.info("store: looking for tables to analyze works again");
      }
      failing = false;
    } catch (SQLException | RuntimeException e) {
      if (!failing) {
        log.warn("store: looking for tables to analyze failed; trying again every round", e);
      }
      failing = true;
    }
  }

  /**
   * Analyzes the tables that need it now.
   *
   * @return the tables analyzed
   */
  List<String> round() throws SQLException {
    List<String> due = new ArrayList<>();
    try (Connection c = pool.getConnection()) {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT s.relname, GREATEST(c.reltuples, 0), s.n_mod_since_analyze"
                      + " FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
                      + " WHERE s.schemaname = current_schema()");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long rows = (long) rs.getDouble(2);
          long changed = rs.getLong(3);
          if (changed >= MIN_CHANGES && changed >= rows) {
            due.add(rs.getString(1));
          }
        }
      }
      for (String table : due) {
        try (Statement st = c.createStatement()) {
          st.execute("ANALYZE " + quoted(table));
          analyzed.incrementAndGet();
        } catch (SQLException e) {
          if ("42501".equals(e.getSQLState())) {
            // Not the tables' owner: autovacuum (or the operator) keeps the statistics alone.
            refused = true;
            log.warn(
                "store: not allowed to ANALYZE {} ({}); leaving statistics to autovacuum",
                table,
                e.getMessage());
            return List.of();
          }
          throw e;
        }
      }
    }
    if (!due.isEmpty()) {
      log.debug("store: analyzed {}", due);
    }
    return due;
  }

  private static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** How many times a table was analyzed. */
  long analyzed() {
    return analyzed.get();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
