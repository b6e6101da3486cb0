package io.kairos.template;

import java.util.Locale;

/**
 * What a template does when an output tag ({@code {{ profile.first_name }}}) prints a variable that
 * is not defined (or null) and has no {@code default} filter.
 */
public enum MissingVariables {
  /** Print nothing (the Liquid default); the render lists the variable as undefined. */
  EMPTY,
  /** Fail the render, naming the field and the variable. */
  ERROR;

  /**
   * Reads the setting as stored ({@code empty} or {@code error}); null means {@code empty}.
   *
   * @throws IllegalArgumentException naming the key and the allowed values
   */
  public static MissingVariables parse(String value) {
    if (value == null) {
      return EMPTY;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "empty" -> EMPTY;
      case "error" -> ERROR;
      default ->
          throw new IllegalArgumentException(
              "missing_variables: expected 'empty' or 'error', got '" + value + "'");
    };
  }

  /** The stored form: {@code empty} or {@code error}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
