package io.kairos.server.runtime;

import io.kairos.server.ingest.Partitioner;

/**
 * Which partition a profile belongs to. Every row of a profile, and every timer of it, lives in
 * that partition, so one writer owns the profile. Ingestion's partitioner is the one used in
 * production, and {@link #hashing} is it.
 */
@FunctionalInterface
public interface PartitionFunction {

  /** The partition of {@code profile} in {@code workspace}, in {@code [0, partitions)}. */
  int partitionOf(String workspace, String profile);

  /**
   * Ingestion's {@link Partitioner} (murmur3 of {@code workspace + '\0' + profile}, modulo {@code
   * partitions}): the one function that places profiles, also for logs written without ingestion.
   */
  static PartitionFunction hashing(int partitions) {
    Partitioner p = new Partitioner(partitions);
    return p::partition;
  }
}
