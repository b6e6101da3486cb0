package io.kairos.server.definitions;

/**
 * One version of a document: what the loader reads.
 *
 * @param version the first 12 hex digits of the SHA-256 of {@code content}
 */
public record Document(Kind kind, String id, String version, String content) {

  /** A document whose version is computed from its content. */
  public static Document of(Kind kind, String id, String content) {
    return new Document(kind, id, Versions.of(content), content);
  }

  /** The name in problems and {@code Journey.source()}. */
  public String sourceName() {
    return kind.sourceName(id);
  }
}
