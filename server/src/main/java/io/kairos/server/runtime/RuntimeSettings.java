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
 * @param cacheBytes the heap, estimated, those states may take, over all partitions
 * @param pastTolerance an event older than this when it arrived updates the profile only
 * @param shutdownGrace how long a graceful stop waits for the writers to commit
 */
record RuntimeSettings(
    int partitions,
    int batchSize,
    int timerWindow,
    int cacheProfiles,
    long cacheBytes,
    Duration pastTolerance,
    Duration shutdownGrace) {

  static RuntimeSettings of(ServerConfig c) {
    return new RuntimeSettings(
        c.partitions(),
        c.runtimeBatchSize(),
        c.timerWindow(),
        c.cacheProfiles(),
        c.cacheBytes(),
        c.pastTolerance(),
        c.shutdownGrace());
  }

  /** Cache entries per partition. */
  int cachePerPartition() {
    return cacheProfiles / partitions;
  }

  /** Cache heap per partition, estimated. */
  long cacheBytesPerPartition() {
    return cacheBytes / partitions;
  }
}
