package io.kairos.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.testing.TestStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL plans a table it has no statistics for as if it were empty, and keeps a prepared
 * statement's plan while the table grows; {@link TableStatistics} analyzes tables that outgrew
 * their statistics, which makes the server plan them again. On the store's own schema.
 */
class TableStatisticsTest {
  private PGSimpleDataSource db;
  private TableStatistics statistics;

  @BeforeEach
  void schema() throws SQLException {
    String url = TestStores.newPostgresDatabase();
    // Migrated, then closed: its own background rounds would race the ones this test runs.
    Database.postgres(url, "postgres", null).close();
    db = new PGSimpleDataSource();
    db.setUrl(url);
    db.setUser("postgres");
    statistics = TableStatistics.manual(db);
    // The test server's autovacuum visits each of the suite's many databases often, and an
    // analysis of its own between an insert and a round would leave the round nothing to do.
    try (Connection c = db.getConnection();
        Statement st = c.createStatement()) {
      st.execute("ALTER TABLE outbox SET (autovacuum_enabled = false)");
      st.execute("ALTER TABLE message_ids SET (autovacuum_enabled = false)");
    }
  }

  @Test
  void aKeyUpdatePlannedWhileTheOutboxWasEmptyUsesTheKeyOnceTheOutboxIsAnalyzed()
      throws SQLException {
    try (Connection c = db.getConnection();
        Statement session = c.createStatement()) {
      // As the dispatcher's claim is planned once the driver prepares it on the server.
      session.execute("SET plan_cache_mode = force_generic_plan");
      session.execute(
          "PREPARE claim(text, text, text) AS UPDATE outbox SET status = 'sending'"
              + " WHERE workspace = $1 AND message_id = $2 AND status = $3");
      explain(session);
      insertOutbox(20_000);

      assertThat(statistics.round()).contains("outbox");
      // Without the analysis this plan stays the one made on the empty table: a scan of every row
      // of the workspace through outbox_journey, filtered by message_id.
      assertThat(explain(session)).contains("Index Scan using outbox_pkey");
    }
  }

  @Test
  void aTableIsAnalyzedAgainOnlyOnceItHasDoubledSince() throws SQLException {
    insertMessageIds(0, 20_000);
    assertThat(statistics.round()).containsExactly("message_ids");
    insertMessageIds(20_000, 5_000);
    assertThat(statistics.round()).isEmpty();
    insertMessageIds(25_000, 15_000);
    assertThat(statistics.round()).containsExactly("message_ids");
    assertThat(statistics.analyzed()).isEqualTo(2);
  }

  @Test
  void smallTablesAreLeftAlone() throws SQLException {
    insertMessageIds(0, (int) TableStatistics.MIN_CHANGES - 1);
    assertThat(statistics.round()).isEmpty();
  }

  private static String explain(Statement session) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = session.executeQuery("EXPLAIN EXECUTE claim('w', 'm-1', 'pending')")) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private void insertOutbox(int n) throws SQLException {
    insert(
        "INSERT INTO outbox (workspace, message_id, profile, journey, channel, created_at, due,"
            + " status, payload) VALUES ('w', ?, 'p', ?, 'email', ?, ?, 'pending', '{}')",
        0,
        n,
        (ps, i) -> {
          ps.setString(1, "m-" + i);
          ps.setString(2, "j-" + i % 3);
          ps.setLong(3, i);
          ps.setLong(4, i);
        });
  }

  private void insertMessageIds(int from, int n) throws SQLException {
    insert(
        "INSERT INTO message_ids (workspace, message_id, received_at) VALUES ('w', ?, ?)",
        from,
        n,
        (ps, i) -> {
          ps.setString(1, "m-" + i);
          ps.setLong(2, i);
        });
  }

  private interface Row {
    void bind(PreparedStatement ps, int i) throws SQLException;
  }

  /** Rows {@code from} .. {@code from + n - 1} in one transaction, statistics counters flushed. */
  private void insert(String sql, int from, int n, Row row) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = from; i < from + n; i++) {
          row.bind(ps, i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      // Counters reach pg_stat_user_tables when the session goes idle, at most once a second
      // unless forced; forced here so the next round sees these rows.
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_stat_force_next_flush()");
      }
      c.commit();
    }
  }
}
