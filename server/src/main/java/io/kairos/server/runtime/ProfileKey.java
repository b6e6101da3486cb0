package io.kairos.server.runtime;

/** A profile's primary key. */
record ProfileKey(String workspace, String id) {}
