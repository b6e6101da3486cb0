package io.kairos.server.definitions;

/**
 * One saved version of a document, for the versions list.
 *
 * @param createdBy the id of the API key that saved it, or {@code journeys.dir} for seeded ones
 * @param publishedAt epoch milliseconds it last became live, or null when it never was
 */
public record VersionInfo(String version, long createdAt, String createdBy, Long publishedAt) {}
