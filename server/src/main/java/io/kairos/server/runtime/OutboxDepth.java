package io.kairos.server.runtime;

import io.kairos.server.store.Database;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Outbox rows still pending, for the gauge. The dispatcher (another capability) takes rows away, so
 * the count is read from the store — over the {@code outbox_due (status, due)} index, at most every
 * few seconds however often the metrics are scraped.
 */
final class OutboxDepth {
  private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(5);
  private final Database db;
  private long value;
  private long readAt;
  private boolean read;

  OutboxDepth(Database db) {
    this.db = db;
  }

  synchronized long get() {
    long t = System.nanoTime();
    if (!read || t - readAt > FRESH_NANOS) {
      try {
        value =
            db.read(
                c -> {
                  try (Statement s = c.createStatement();
                      ResultSet rs =
                          s.executeQuery(
                              "SELECT COUNT(*) FROM outbox WHERE status = '"
                                  + EffectRows.PENDING
                                  + "'")) {
                    rs.next();
                    return rs.getLong(1);
                  }
                });
        readAt = t;
        read = true;
      } catch (RuntimeException e) {
        // The store is down: the gauge keeps its last value; /health reports the store.
      }
    }
    return value;
  }
}
