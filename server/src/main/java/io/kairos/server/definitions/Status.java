package io.kairos.server.definitions;

import java.util.Locale;

/**
 * Where a document is in its life. Journeys go draft → published ⇄ paused, and to archived from any
 * of them; publishing again resumes a paused or archived journey. Segments, templates and settings
 * are published when saved (after validation) and deleted when removed.
 */
public enum Status {
  /** Saved, never published: the runtime does not see it. */
  DRAFT,
  /** Live: new customers enter (journeys), the runtime uses it. */
  PUBLISHED,
  /** A journey taking no new entries; customers in flight continue on their version. */
  PAUSED,
  /** A journey taking no new entries, hidden from the default list; customers in flight finish. */
  ARCHIVED,
  /** A segment, template or setting removed; its versions stay in the history. */
  DELETED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a label.
   *
   * @return null when the label names no status
   */
  public static Status parse(String label) {
    for (Status s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    return null;
  }
}
