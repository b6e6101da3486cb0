package io.kairos.channel.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/** Validation of channel settings, each failure naming the field and the reason. */
public final class SettingChecks {

  private SettingChecks() {}

  /** A duration above zero. */
  public static Duration positive(String field, Duration d) {
    if (d == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(field + " must be positive, got " + d);
    }
    return d;
  }

  /** An int in {@code [min, max]}. */
  public static int between(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** Present and not blank. */
  public static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  /** An absolute http or https URL with a host. */
  public static URI httpUrl(String field, String value) {
    required(field, value);
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(field + " is not a valid URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          field + " must be an http or https URL, got '" + value + "'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(field + " has no host: '" + value + "'");
    }
    return uri;
  }
}
