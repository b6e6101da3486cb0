package io.kairos.server.workspace;

import java.util.Locale;

/** What an API key may do. */
public enum Scope {
  /** Send events and profile data (the tracking API): a write key, safe to ship in a web page. */
  INGEST,
  /** Read profiles, timelines, journeys and stats. */
  READ,
  /** Everything: change journeys, templates and segments, erase profiles, and ingest. */
  ADMIN;

  /** Whether a key of this scope may do what {@code needed} requires. */
  public boolean allows(Scope needed) {
    return this == ADMIN || this == needed;
  }

  /** The scope as written in the CLI, the API and the store. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code ingest}, {@code read} or {@code admin}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Scope parse(String text) {
    for (Scope s : values()) {
      if (s.label().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("scope: expected ingest, read or admin, got '" + text + "'");
  }
}
