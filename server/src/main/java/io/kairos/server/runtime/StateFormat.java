package io.kairos.server.runtime;

import io.kairos.engine.ProfileState;
import io.kairos.engine.StateCodec;

/**
 * How profile states become stored bytes and back: the core's {@link StateCodec}. An interface only
 * so that tests can make one state fail to encode.
 */
interface StateFormat {
  StateFormat CODEC =
      new StateFormat() {
        @Override
        public StateCodec.Encoded encode(ProfileState state, WorkspaceEngine engine) {
          return StateCodec.encodeMeasured(state, engine);
        }

        @Override
        public ProfileState decode(byte[] bytes, WorkspaceEngine engine) {
          return StateCodec.decode(bytes, engine);
        }
      };

  /**
   * The state's bytes and the estimate of its heap.
   *
   * @throws IllegalArgumentException when the state holds a value the format cannot write
   */
  StateCodec.Encoded encode(ProfileState state, WorkspaceEngine engine);

  /**
   * @throws IllegalArgumentException when the bytes are not a state this version can read
   */
  ProfileState decode(byte[] bytes, WorkspaceEngine engine);
}
