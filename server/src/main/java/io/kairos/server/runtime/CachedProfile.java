package io.kairos.server.runtime;

import io.kairos.engine.ProfileState;

/**
 * A profile state in a partition's memory, with the engine it was decoded against (a state belongs
 * to one engine's journey slots; after the workspace's definitions change it is decoded again).
 */
final class CachedProfile {
  final ProfileKey key;
  final ProfileState state;
  final WorkspaceEngine engine;

  /** The profile this one was merged into (its log marker applied), or null. */
  String mergedInto;

  CachedProfile(ProfileKey key, ProfileState state, WorkspaceEngine engine, String mergedInto) {
    this.key = key;
    this.state = state;
    this.engine = engine;
    this.mergedInto = mergedInto;
  }
}
