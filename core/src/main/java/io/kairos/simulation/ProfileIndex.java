package io.kairos.simulation;

import io.kairos.engine.ProfileState;

/**
 * Profiles by id: open addressing with linear probing, the hash codes kept in their own int array
 * so that a probe rejects a wrong slot without touching the key. Lookups happen once per event
 * across hundreds of thousands of profiles, so each avoided cache miss counts; java.util.HashMap
 * needs one more (its node) per lookup.
 */
final class ProfileIndex {
  private int[] hashes = new int[1 << 16];
  // Keys apart from values: the key compare and the value load do not wait on each other.
  private String[] keys = new String[1 << 16];
  private ProfileState[] values = new ProfileState[1 << 16];
  private int size;

  ProfileState get(String id) {
    int h = hash(id);
    int mask = values.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      String k = keys[i];
      if (k == null) {
        return null;
      }
      if (hashes[i] == h && k.equals(id)) {
        return values[i];
      }
    }
  }

  /** Adds a profile whose id is not in the index yet. */
  void add(ProfileState state) {
    if ((size + 1) * 4 > values.length * 3) {
      grow();
    }
    insert(state);
    size++;
  }

  /** Removes the profile with this id, if any. */
  ProfileState remove(String id) {
    int h = hash(id);
    int mask = values.length - 1;
    int i = h & mask;
    while (true) {
      String k = keys[i];
      if (k == null) {
        return null;
      }
      if (hashes[i] == h && k.equals(id)) {
        break;
      }
      i = (i + 1) & mask;
    }
    ProfileState removed = values[i];
    values[i] = null;
    keys[i] = null;
    size--;
    // Re-insert the rest of the cluster so no probe chain is broken.
    for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
      ProfileState moved = values[j];
      values[j] = null;
      keys[j] = null;
      insert(moved);
    }
    return removed;
  }

  int size() {
    return size;
  }

  private void insert(ProfileState state) {
    String id = state.profile().id();
    int h = hash(id);
    int mask = values.length - 1;
    int i = h & mask;
    while (keys[i] != null) {
      i = (i + 1) & mask;
    }
    values[i] = state;
    keys[i] = id;
    hashes[i] = h;
  }

  private void grow() {
    ProfileState[] old = values;
    values = new ProfileState[old.length * 2];
    keys = new String[old.length * 2];
    hashes = new int[old.length * 2];
    for (ProfileState v : old) {
      if (v != null) {
        insert(v);
      }
    }
  }

  // String hashes of similar ids ("u-000041", "u-000042") differ in their low bits only a little;
  // spreading them keeps linear probing's clusters short.
  private static int hash(String id) {
    int h = id.hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
