package io.kairos.server.runtime;

import io.kairos.server.store.Database;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Outbox rows still pending, for the gauge. The dispatcher (another capability) takes rows away, so
 * the count is read from the store at each scrape, over the {@code outbox_due (status, due)} index:
 * pending rows are few while the dispatcher keeps up, and the count grows with the problem it shows
 * when it does not.
 */
final class OutboxDepth {
  private final Database db;
  private volatile long last;

  OutboxDepth(Database db) {
    this.db = db;
  }

  long get() {
    try {
      last =
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
    } catch (RuntimeException e) {
      // The store is down: the gauge keeps its last value; /health reports the store.
    }
    return last;
  }
}
