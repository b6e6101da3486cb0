package io.kairos.server.workspace;

/**
 * A key as the server knows it after checking it: never the secret itself.
 *
 * @param id the public part of the key, shown in lists and logs
 */
public record ApiKey(String id, String workspace, Scope scope) {}
