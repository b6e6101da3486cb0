package io.kairos.server.definitions;

import io.kairos.definition.DefinitionLoader;
import java.util.Locale;

/**
 * What a stored document is. Journeys, segments and templates are many per workspace, each with its
 * own id; the settings sections and the product catalogue are one per workspace (their id is the
 * kind's label).
 */
public enum Kind {
  JOURNEY,
  SEGMENT,
  TEMPLATE,
  CALENDARS,
  GEOFENCES,
  SCORING,
  LIFECYCLE,
  POOLS,
  POLICIES,
  CATALOG;

  /** The kind as stored and as written in {@code /v1/definitions/{kind}}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this is a settings document: one per workspace, at {@code /v1/definitions/{kind}}. */
  public boolean isSetting() {
    return ordinal() >= CALENDARS.ordinal();
  }

  /** Whether this is a YAML section the core {@link DefinitionLoader} reads. */
  public boolean isSection() {
    return DefinitionLoader.SECTIONS.contains(label());
  }

  /**
   * The name the document has in problems and in {@code Journey.source()}: {@code
   * journeys/welcome}, {@code segments/vip}, {@code definitions/policies}.
   */
  public String sourceName(String id) {
    return switch (this) {
      case JOURNEY -> "journeys/" + id;
      case SEGMENT -> "segments/" + id;
      case TEMPLATE -> "templates/" + id;
      default -> "definitions/" + label();
    };
  }

  /** The kind a stored label stands for. */
  public static Kind of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }

  /** The settings kind named by a URL segment, or null when there is none of that name. */
  public static Kind setting(String label) {
    for (Kind k : values()) {
      if (k.isSetting() && k.label().equals(label)) {
        return k;
      }
    }
    return null;
  }
}
