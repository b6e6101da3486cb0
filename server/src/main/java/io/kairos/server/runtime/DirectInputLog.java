package io.kairos.server.runtime;

import io.kairos.server.store.Database;
import io.kairos.server.store.SqlWork;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * An {@link InputLog} that inserts rows itself, one transaction per call, under a lock that keeps
 * seqs and commits in the same order. It must be the only writer of the log: a server with the
 * ingestion writer appends through that instead (two writers could commit seqs out of order, and
 * the runtime would skip the lower one).
 */
public final class DirectInputLog implements InputLog {
  private final Database db;
  private final PartitionFunction partitions;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private volatile long last;

  public DirectInputLog(Database db, PartitionFunction partitions) {
    this.db = db;
    this.partitions = partitions;
    this.last =
        db.read(
            c -> {
              try (var s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM events")) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  @Override
  public long append(List<InputRow> rows) {
    return append(rows, c -> null);
  }

  /** As {@link #append(List)}, with {@code also} done in the same transaction. */
  long append(List<InputRow> rows, SqlWork<Void> also) {
    if (rows.isEmpty()) {
      return last;
    }
    long end;
    lock.lock();
    try {
      long first = last + 1;
      db.transaction(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO events (seq, workspace, partition, profile, message_id, type,"
                        + " name, timestamp, received_at, merge_from, body)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              long seq = first;
              for (InputRow r : rows) {
                ps.setLong(1, seq++);
                ps.setString(2, r.workspace());
                ps.setInt(3, partitions.partitionOf(r.workspace(), r.profile()));
                ps.setString(4, r.profile());
                ps.setString(5, r.messageId());
                ps.setString(6, r.type());
                ps.setString(7, r.name());
                ps.setLong(8, r.timestamp());
                ps.setLong(9, r.receivedAt());
                ps.setString(10, r.mergeFrom());
                ps.setBytes(11, r.body());
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return also.run(c);
          });
      end = first + rows.size() - 1;
      last = end;
    } finally {
      lock.unlock();
    }
    for (LongConsumer l : listeners) {
      l.accept(end);
    }
    return end;
  }

  @Override
  public long lastCommittedSeq() {
    return last;
  }

  @Override
  public void onCommitted(LongConsumer listener) {
    listeners.add(listener);
  }
}
