package io.kairos.server.definitions;

import java.util.List;

/**
 * What is live in a workspace at one point of its change log.
 *
 * @param seq the last change applied (0 before any)
 * @param documents the live documents: published journeys, segments, templates, settings
 */
record Snapshot(long seq, List<Document> documents) {
  Snapshot {
    documents = List.copyOf(documents);
  }
}
