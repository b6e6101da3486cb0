package io.kairos.server.runtime;

import io.kairos.engine.Engine;
import io.kairos.engine.StateCodec;
import io.kairos.journey.Journey;
import io.kairos.server.definitions.PublishedDefinitions;

/**
 * The engine of one workspace, built from its published definitions, and the journey versions its
 * customers in flight may still be on (for decoding their states). Replaced as a whole when the
 * workspace's definitions change; states decoded against an older one are decoded again.
 */
final class WorkspaceEngine implements StateCodec.Journeys {
  private final String workspace;
  private final Engine engine;
  private final PublishedDefinitions definitions;

  WorkspaceEngine(String workspace, Engine engine, PublishedDefinitions definitions) {
    this.workspace = workspace;
    this.engine = engine;
    this.definitions = definitions;
  }

  String workspace() {
    return workspace;
  }

  @Override
  public Engine engine() {
    return engine;
  }

  @Override
  public Journey version(String id, String version) {
    Journey live = engine.journeys().get(id);
    if (live != null && live.version().equals(version)) {
      return live;
    }
    return definitions.version(workspace, id, version);
  }
}
