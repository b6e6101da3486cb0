package io.kairos.server.runtime;

/**
 * One {@code timeline} row: something that happened to a profile, with its reason in {@code detail}
 * (JSON).
 *
 * @param inputSeq the events row that caused it, or null for a timer
 */
record TimelineRow(
    String workspace,
    String profile,
    long at,
    String kind,
    String journey,
    String version,
    String step,
    String messageId,
    Double revenue,
    Long inputSeq,
    String detail) {

  /**
   * Whether this row names a log row (an input) applied to {@code profile} of {@code workspace}.
   */
  boolean namesInputOf(String workspace, String profile) {
    return inputSeq != null && this.profile.equals(profile) && this.workspace.equals(workspace);
  }
}
