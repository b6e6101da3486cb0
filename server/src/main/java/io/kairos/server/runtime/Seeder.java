package io.kairos.server.runtime;

import io.kairos.server.config.ServerConfig;
import io.kairos.server.definitions.PublishedDefinitions;
import io.kairos.server.ingest.IdentityRows;
import io.kairos.server.ingest.Ingestion;
import io.kairos.server.ops.Metrics;
import io.kairos.server.store.Database;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fills a store with customers in bulk, the way a running server would have: their messages go into
 * the {@code events} log with a user identity each (the rows ingestion writes for a message with a
 * userId), and the live runtime itself — the same {@link LiveRuntime}, engine, codec and row
 * writers — applies them and writes their profile states, timers, timeline and outbox rows and the
 * partition cursors. For benchmarks (millions of pending timers) and tests.
 *
 * <p>It must be the store's only writer while it runs: the server is stopped. Seeded messages must
 * be those of identified customers routed to their userId ({@link InputRow#profile} = the userId,
 * no anonymousId), stamped in increasing time order per partition, with {@code receivedAt} within
 * the past tolerance of the timestamp (or they update the profile only, as on a live server).
 */
public final class Seeder implements AutoCloseable {
  private final Database db;
  private final DirectInputLog log;
  private final LiveRuntime runtime;

  /**
   * Starts the runtime over {@code db} (partitions and runtime settings from {@code config}).
   *
   * @param batchSize inputs per runtime transaction while seeding (larger than a live server's is
   *     fine: nobody waits for a decision)
   * @param clock when timers fall due (timers due before it fire while seeding)
   * @throws io.kairos.server.config.ConfigException when the store has another partition count
   */
  public Seeder(
      ServerConfig config,
      Database db,
      PublishedDefinitions definitions,
      InstantSource clock,
      int batchSize) {
    this(RuntimeSettings.of(config), db, definitions, clock, batchSize);
  }

  Seeder(
      RuntimeSettings settings,
      Database db,
      PublishedDefinitions definitions,
      InstantSource clock,
      int batchSize) {
    this.db = db;
    Ingestion.checkPartitions(db, settings.partitions());
    RuntimeSettings s =
        new RuntimeSettings(
            settings.partitions(),
            batchSize,
            settings.timerWindow(),
            settings.cacheProfiles(),
            settings.cacheBytes(),
            settings.pastTolerance(),
            settings.shutdownGrace());
    this.log = new DirectInputLog(db, PartitionFunction.hashing(s.partitions()));
    this.runtime = new LiveRuntime(s, db, definitions, log, clock, new Metrics());
    runtime.start();
  }

  /**
   * Appends the messages and their customers' user identities in one transaction; the runtime
   * applies them in the background.
   *
   * @return the seq of the last row
   */
  public long append(List<InputRow> rows) {
    // One row per customer: an upsert may not touch the same identity twice.
    Set<IdentityRows.Identity> ids = new LinkedHashSet<>();
    for (InputRow r : rows) {
      ids.add(new IdentityRows.Identity(r.workspace(), true, r.profile(), r.profile()));
    }
    return log.append(
        rows,
        c -> {
          IdentityRows.upsert(c, ids);
          return null;
        });
  }

  /**
   * Waits until the runtime has applied everything appended and fired every timer due by the clock.
   *
   * @return false when {@code limit} passed first
   */
  public boolean awaitApplied(Duration limit) {
    return runtime.awaitIdle(limit);
  }

  /** Timers stored now (counted when the runtime started, then kept current by its commits). */
  public long pendingTimers() {
    return runtime.pendingTimers();
  }

  /**
   * Stops the runtime after it committed its current batch. On PostgreSQL, then updates the
   * planner's statistics ({@code ANALYZE}), as autovacuum does on a live server a little after
   * tables grow: a store seeded in minutes would otherwise be planned as the empty one it was.
   */
  @Override
  public void close() {
    runtime.stop();
    if (db.kind() == Database.Kind.POSTGRES) {
      db.read(
          c -> {
            try (var s = c.createStatement()) {
              s.execute("ANALYZE");
            }
            return null;
          });
    }
  }
}
