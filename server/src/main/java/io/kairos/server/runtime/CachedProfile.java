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

  /**
   * Whether a committed row holds this profile, and its {@code user_id}: a row whose user id is
   * unchanged is written without touching that column, so its index entry is not rewritten.
   */
  boolean stored;

  String storedUserId;

  /**
   * The id of the profile's newest committed timeline row (0: none): the next row the runtime
   * writes for it links to this one. Changed only after a commit, like the cached state.
   */
  long timelineHead;

  /**
   * The heap the state takes, as its last encoding estimated it (0 before the first): what the
   * cache is bounded by.
   */
  long heapBytes;

  CachedProfile(ProfileKey key, ProfileState state, WorkspaceEngine engine, String mergedInto) {
    this.key = key;
    this.state = state;
    this.engine = engine;
    this.mergedInto = mergedInto;
  }

  /** A profile read from its committed row. */
  static CachedProfile fromStore(
      ProfileKey key,
      ProfileState state,
      WorkspaceEngine engine,
      String mergedInto,
      long timelineHead) {
    CachedProfile p = new CachedProfile(key, state, engine, mergedInto);
    p.stored = true;
    p.timelineHead = timelineHead;
    p.storedUserId = state.profile().userId();
    return p;
  }
}
