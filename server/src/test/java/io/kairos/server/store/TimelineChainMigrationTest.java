package io.kairos.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store written before the timeline's rows were linked (V9) gets its chains from the migration:
 * every row of a profile, its merged-in visitor's and a set-apart profile's error row are found by
 * following them, as the runtime and the timeline API do, and the index by profile is gone.
 */
class TimelineChainMigrationTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theMigrationLinksEveryRowAnIndexByProfileFoundBefore(StoreKind kind) throws Exception {
    TestStores.OldStore old = TestStores.migratedTo(kind, dir, "9");
    try (Connection c = DriverManager.getConnection(old.url(), old.user(), null)) {
      profile(c, "u");
      profile(c, "v");
      row(c, "a", "event", "{}"); // 1: the visitor, before it was merged into u (its row is gone)
      row(c, "a", "event", "{}"); // 2
      row(c, "u", "event", "{}"); // 3
      row(c, "u", "entered", "{}"); // 4
      row(c, "u", "merged", "{\"from\":\"a\",\"reason\":\"merged in\"}"); // 5
      row(c, "u", "event", "{}"); // 6
      row(c, "e", "error", "{\"reason\":\"set apart\"}"); // 7: its first input failed, no row
      row(c, "v", "event", "{}"); // 8
    }

    try (Database db = old.open()) {
      assertThat(longs(db, "SELECT id, prev_id FROM timeline ORDER BY id"))
          .containsExactly(1L, 0L, 2L, 1L, 3L, 0L, 4L, 3L, 5L, 4L, 6L, 5L, 7L, 0L, 8L, 0L);
      assertThat(longs(db, "SELECT id, branch_id FROM timeline WHERE kind = 'merged'"))
          .containsExactly(5L, 2L);
      assertThat(longs(db, "SELECT timeline_head FROM profiles ORDER BY id"))
          .containsExactly(6L, 8L);

      assertThat(chain(db, "u")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(chain(db, "e")).containsExactly(7L);
      assertThat(chain(db, "v")).containsExactly(8L);

      String indexes =
          kind == StoreKind.SQLITE
              ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
              : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = ?";
      assertThat(count(db, indexes, "timeline_profile")).isZero();
      assertThat(count(db, indexes, "timeline_errors")).isOne();
    }
  }

  private static void profile(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO profiles (workspace, id, partition, user_id, traits, state, updated_at)"
                + " VALUES ('w', ?, 0, ?, '{}', ?, 0)")) {
      ps.setString(1, id);
      ps.setString(2, id);
      ps.setBytes(3, new byte[] {1});
      ps.executeUpdate();
    }
  }

  private static void row(Connection c, String profile, String kind, String detail)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO timeline (workspace, profile, at, kind, detail) VALUES ('w', ?, 0, ?, ?)")) {
      ps.setString(1, profile);
      ps.setString(2, kind);
      ps.setString(3, detail);
      ps.executeUpdate();
    }
  }

  /** Every row's columns as longs, in order; null as 0. */
  private static List<Long> longs(Database db, String sql) {
    return db.read(
        c -> {
          List<Long> out = new ArrayList<>();
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
              for (int i = 1; i <= n; i++) {
                out.add(rs.getLong(i));
              }
            }
          }
          return out;
        });
  }

  private static TreeSet<Long> chain(Database db, String profile) {
    return db.read(
        c -> {
          TreeSet<Long> ids = new TreeSet<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  TimelineChain.with(TimelineChain.startOfProfiles(1)) + "SELECT id FROM chain")) {
            ps.setString(1, "w");
            ps.setString(2, profile);
            ps.setString(3, "w");
            ps.setString(4, profile);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getLong(1));
              }
            }
          }
          return ids;
        });
  }

  private static long count(Database db, String sql, String name) {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }
}
