package io.kairos.server.store;

import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Times migration V10 on a store of 100,000 profiles and 1,000,000 timeline rows. Not a test. */
@EnabledIfSystemProperty(named = "kairos.bench", matches = "true")
class MigrationTimeBench {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void v10(StoreKind kind) throws Exception {
    TestStores.OldStore old = TestStores.migratedTo(kind, dir, "9");
    try (Connection c = DriverManager.getConnection(old.url(), old.user(), null)) {
      c.setAutoCommit(false);
      try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO profiles (workspace, id, partition, user_id, traits, state,"
                      + " updated_at) VALUES ('w', ?, 0, ?, '{}', ?, 0)");
          PreparedStatement t =
              c.prepareStatement(
                  "INSERT INTO timeline (workspace, profile, at, kind, detail)"
                      + " VALUES ('w', ?, 0, 'event', '{}')")) {
        for (int i = 0; i < 100_000; i++) {
          String id = String.format("u%06d", i);
          p.setString(1, id);
          p.setString(2, id);
          p.setBytes(3, new byte[300]);
          p.addBatch();
        }
        p.executeBatch();
        // Rows of a profile interleaved with the others', as the runtime writes them.
        for (int k = 0; k < 10; k++) {
          for (int i = 0; i < 100_000; i++) {
            t.setString(1, String.format("u%06d", i));
            t.addBatch();
          }
          t.executeBatch();
        }
      }
      c.commit();
    }
    long start = System.nanoTime();
    try (Database db = old.open()) {
      System.out.printf(
          "%s migration V10 over 1,000,000 timeline rows: %d ms%n",
          kind, (System.nanoTime() - start) / 1_000_000);
    }
  }
}
