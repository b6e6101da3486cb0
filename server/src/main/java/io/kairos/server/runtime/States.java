package io.kairos.server.runtime;

import io.kairos.engine.ProfileState;
import io.kairos.engine.StateCodec;

/** Profile states to and from their stored bytes, through the core's {@link StateCodec}. */
final class States {
  private States() {}

  static byte[] encode(ProfileState state, WorkspaceEngine engine) {
    return StateCodec.encode(state, engine);
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a state this version can read
   */
  static ProfileState decode(byte[] bytes, WorkspaceEngine engine) {
    return StateCodec.decode(bytes, engine);
  }
}
