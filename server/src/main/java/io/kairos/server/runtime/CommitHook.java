package io.kairos.server.runtime;

/**
 * Called inside every batch transaction right before it commits; throwing rolls the batch back. For
 * tests that make commits fail or emulate a crash at a given commit.
 */
@FunctionalInterface
interface CommitHook {
  CommitHook NONE = (partition, upTo) -> {};

  void beforeCommit(int partition, long upTo);
}
