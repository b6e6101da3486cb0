package io.kairos.server.definitions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content versions: the first 12 hex digits of the SHA-256 of the UTF-8 text, the rule {@code
 * JourneyLoader} uses for {@code Journey.version()}, so a journey's stored version and the version
 * its instances record are the same string.
 */
final class Versions {
  private Versions() {}

  static String of(String content) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
