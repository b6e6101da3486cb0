package io.kairos.server.runtime;

import io.kairos.server.config.ServerConfig;
import java.time.Duration;

/**
 * The runtime's part of the configuration.
 *
 * @param partitions writers (threads), one per partition
 * @param batchSize the most inputs a writer applies per transaction
 * @param timerWindow soonest timers each partition keeps in memory
 * @param cacheProfiles profile states kept in memory, over all partitions
 * @param pastTolerance an event older than this when it arrived updates the profile only
 * @param shutdownGrace how long a graceful stop waits for the writers to commit
 * @param feedRows the most rows handed over by the log that each partition holds: beyond it the
 *     oldest go, and the writer reads them back from the store once they are committed there
 */
record RuntimeSettings(
    int partitions,
    int batchSize,
    int timerWindow,
    int cacheProfiles,
    Duration pastTolerance,
    Duration shutdownGrace,
    int feedRows) {

  static RuntimeSettings of(ServerConfig c) {
    return new RuntimeSettings(
        c.partitions(),
        c.runtimeBatchSize(),
        c.timerWindow(),
        c.cacheProfiles(),
        c.pastTolerance(),
        c.shutdownGrace(),
        feedRowsFor(c.ingestQueueCapacity()));
  }

  /**
   * Twice what ingestion lets wait, acknowledged and not applied: a partition holds all of it even
   * when every row is its own and a request's events add merge rows, so under the default limits it
   * never reads rows back from the store while it keeps up. The rows are in memory anyway until
   * they are stored.
   */
  static int feedRowsFor(int ingestQueueCapacity) {
    return Math.max(RowFeed.MIN_ROWS, 2 * ingestQueueCapacity);
  }

  /** Cache entries per partition. */
  int cachePerPartition() {
    return cacheProfiles / partitions;
  }
}
