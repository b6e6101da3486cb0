package io.kairos.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.server.store.Database;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The profile rows a batch writes: user ids left alone when unchanged, never a row lost. */
class BatchWriterTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRowThatKeepsItsUserIdIsUpdatedAndAMissingOneIsInserted(StoreKind kind) {
    try (Database db = TestStores.open(kind, dir)) {
      write(db, row("p1", "u1", "{\"a\":1}", false), 1);
      assertThat(read(db, "p1")).isEqualTo("u1 {\"a\":1} 1");

      // Same user id: only state, traits and merge mark change.
      write(db, row("p1", "u1", "{\"a\":2}", true), 2);
      assertThat(read(db, "p1")).isEqualTo("u1 {\"a\":2} 2");

      // A cache that wrongly believes the row is stored: the row is inserted, not lost.
      write(db, row("p2", "u2", "{\"b\":1}", true), 3);
      assertThat(read(db, "p2")).isEqualTo("u2 {\"b\":1} 3");

      // A new user id goes through the upsert.
      write(db, row("p1", "u9", "{\"a\":3}", false), 4);
      assertThat(read(db, "p1")).isEqualTo("u9 {\"a\":3} 4");
    }
  }

  private static ProfileRow row(String id, String userId, String traits, boolean same) {
    return new ProfileRow("w", id, userId, traits, new byte[] {1, 2, 3}, null, same, 0);
  }

  private static void write(Database db, ProfileRow row, long now) {
    db.transaction(
        c ->
            BatchWriter.write(
                c, db.kind(), 0, new Batch(0), List.of(row), new HashMap<>(), 0, 0, now));
  }

  private static String read(Database db, String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id, traits, updated_at FROM profiles"
                      + " WHERE workspace = 'w' AND id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3)
                  : null;
            }
          }
        });
  }
}
