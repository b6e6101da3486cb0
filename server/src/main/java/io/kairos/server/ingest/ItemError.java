package io.kairos.server.ingest;

/**
 * Why one message of a request was refused.
 *
 * @param index the message's position in the batch (0 for a single call), or the line of an import
 * @param field the field at fault: a top-level name, a path such as {@code context.timezone}, or
 *     {@code (json)} when the message is not a JSON object
 */
record ItemError(int index, String field, String reason) {}
