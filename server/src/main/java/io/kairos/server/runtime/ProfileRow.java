package io.kairos.server.runtime;

/** A {@code profiles} row to upsert: the encoded state and its search columns. */
record ProfileRow(
    String workspace, String id, String userId, String traits, byte[] state, String mergedInto) {}
