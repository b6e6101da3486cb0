package io.kairos.server.runtime;

/**
 * A {@code profiles} row to upsert: the encoded state and its search columns.
 *
 * @param sameUserId whether a committed row of this profile should already hold this {@code
 *     user_id} (then the column is left alone; the row is inserted if it turns out to be missing)
 * @param timelineHead its newest committed timeline row (0: none), kept unless the batch adds rows
 */
record ProfileRow(
    String workspace,
    String id,
    String userId,
    String traits,
    byte[] state,
    String mergedInto,
    boolean sameUserId,
    long timelineHead) {}
