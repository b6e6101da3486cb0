package io.kairos.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite write transactions: taken in turn in-process, checkpointed off the commit path. */
class DatabaseWritesTest {

  @TempDir Path dir;

  @Test
  void commitsLeaveTheCheckpointToTheCheckpointer() throws Exception {
    Path file = dir.resolve("kairos.db");
    try (Database db = Database.sqlite(file, "FULL")) {
      createBlobs(db);
      assertThat(db.awaitCheckpoint(30_000)).isTrue();
      long before = Files.size(file);
      // 8 MB in 64 commits: with SQLite's own automatic checkpoint (1,000 pages) the commits
      // would copy it into the file themselves; here they do not, the checkpointer does.
      writeBlobs(db, 64);
      try (var c = db.connection();
          PreparedStatement ps = c.prepareStatement("PRAGMA wal_autocheckpoint");
          ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).as("pool connections do not checkpoint").isZero();
      }
      assertThat(db.awaitCheckpoint(30_000)).isTrue();
      assertThat(Files.size(file) - before).isGreaterThan(8L * 1024 * 1024);
    }
  }

  @Test
  void aWhollyCopiedLogStartsOverEvenWithReadersAbout() throws Exception {
    // Thresholds of 64 and 100,000 pages instead of 256 MB and 1 GB.
    try (Database db = Database.sqlite(dir.resolve("kairos.db"), "NORMAL", 64, 100_000)) {
      createBlobs(db);
      writeBlobs(db, 4);
      assertThat(db.awaitCheckpoint(30_000)).isTrue();
      assertThat(db.checkpointer().restarts()).isPositive();
      // What /metrics reports: the restarts, and their time on the write lock.
      assertThat(db.walRestarts()).isEqualTo((double) db.checkpointer().restarts());
      assertThat(db.walRestartLockSeconds()).isPositive();
      // After the restart the next commit writes the log from its start: it is a few frames long.
      writeBlobs(db, 1);
      assertThat(walFrames(db)).isLessThan(64);
    }
  }

  @Test
  void aReaderOnTheLogMakesTheRestartGiveUpNotTheWritersWait() throws Exception {
    Path file = dir.resolve("kairos.db");
    try (Database db = Database.sqlite(file, "NORMAL", 64, 100_000);
        // A connection of its own: the pool's begin IMMEDIATE, which would take the write lock.
        Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      createBlobs(db);
      long givenUp = db.checkpointer().restartsGivenUp();
      // Holding the write lock keeps the checkpointer from restarting the log before the reader
      // is on it (the lock is reentrant: the writes below take it too).
      db.writeLock().lock();
      try {
        writeBlobs(db, 4);
        reader.setAutoCommit(false);
        try (PreparedStatement ps = reader.prepareStatement("SELECT COUNT(*) FROM blobs");
            ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      } finally {
        db.writeLock().unlock();
      }
      // The reader's transaction stays open on the newest frames: the log is wholly copied, but a
      // restart would have to wait for the reader. It waits 50 ms and gives up.
      assertThat(db.awaitCheckpoint(30_000)).isTrue();
      assertThat(db.checkpointer().restartsGivenUp()).isGreaterThan(givenUp);
      // Writers were never held for the reader (SQLite's busy timeout would be 30 s).
      writeBlobs(db, 1);
      reader.rollback();
      writeBlobs(db, 4);
      assertThat(db.awaitCheckpoint(30_000)).isTrue();
      assertThat(db.checkpointer().restarts()).isPositive();
    }
  }

  private static void createBlobs(Database db) {
    db.transaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)")) {
            ps.execute();
          }
          return null;
        });
  }

  /** {@code commits} transactions of 32 rows of 4 KB each. */
  private static void writeBlobs(Database db, int commits) {
    for (int t = 0; t < commits; t++) {
      db.transaction(
          c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO blobs(b) VALUES (?)")) {
              for (int i = 0; i < 32; i++) {
                ps.setBytes(1, new byte[4096]);
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return null;
          });
    }
  }

  /** The log's length in frames, from a passive checkpoint (which waits for nothing). */
  private static long walFrames(Database db) throws Exception {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("PRAGMA wal_checkpoint(PASSIVE)");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(2);
    }
  }

  @Test
  void concurrentWritersEachCommitWithNothingLost() throws Exception {
    try (Database db = Database.sqlite(dir.resolve("kairos.db"), "NORMAL")) {
      db.transaction(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")) {
              ps.execute();
            }
            try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO counter(id, n) VALUES (1, 0)")) {
              ps.execute();
            }
            return null;
          });
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> all = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        all.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    // read-modify-write: a lost update would show in the total
                    db.transaction(
                        c -> {
                          long n;
                          try (PreparedStatement ps =
                                  c.prepareStatement("SELECT n FROM counter WHERE id = 1");
                              ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            n = rs.getLong(1);
                          }
                          try (PreparedStatement ps =
                              c.prepareStatement("UPDATE counter SET n = ? WHERE id = 1")) {
                            ps.setLong(1, n + 1);
                            ps.executeUpdate();
                          }
                          return null;
                        });
                  }
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
      pool.shutdown();
      long total =
          db.read(
              c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT n FROM counter");
                    ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getLong(1);
                }
              });
      assertThat(total).isEqualTo(1600);
    }
  }
}
