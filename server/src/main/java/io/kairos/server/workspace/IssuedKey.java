package io.kairos.server.workspace;

/** A key just created: {@code secret} is shown once and only its hash is stored. */
public record IssuedKey(String id, String workspace, Scope scope, String secret) {}
