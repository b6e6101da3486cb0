package io.kairos.server.definitions;

/**
 * A document's current state.
 *
 * @param latest the newest saved version (a journey's draft when it differs from {@code live})
 * @param live the version published last, or null when never published; kept while a journey is
 *     paused or archived
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds of the last save or status change
 */
public record Head(
    Kind kind,
    String id,
    Status status,
    String latest,
    String live,
    long createdAt,
    long updatedAt) {

  /** Whether the runtime uses this document now. */
  public boolean isLive() {
    return status == Status.PUBLISHED;
  }
}
