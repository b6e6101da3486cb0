package io.kairos.server.runtime;

import io.kairos.definition.Definitions;
import io.kairos.engine.Engine;
import io.kairos.server.definitions.PublishedDefinitions;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Engine} per workspace, shared by every partition (the engine is safe to share: its
 * workspace-wide state — the recommender's model, the assignment ledger — is synchronized in the
 * core), built on first use from {@link PublishedDefinitions#published} and dropped when the
 * workspace's definitions change, so the next input builds it afresh.
 *
 * <p>What a rebuilt engine does not keep: the recommender's co-occurrence model and the sales
 * rotation and open-lead counts live in the engine's memory only. They start empty after a restart
 * and after a definitions change (see docs/runtime.md).
 */
final class WorkspaceEngines {
  private final PublishedDefinitions definitions;
  private final ConcurrentHashMap<String, WorkspaceEngine> engines = new ConcurrentHashMap<>();

  WorkspaceEngines(PublishedDefinitions definitions) {
    this.definitions = definitions;
    definitions.onChange(engines::remove);
  }

  /** The workspace's engine now. */
  WorkspaceEngine get(String workspace) {
    return engines.computeIfAbsent(workspace, this::build);
  }

  private WorkspaceEngine build(String workspace) {
    Definitions d = definitions.published(workspace);
    if (d == null) {
      d = Definitions.of(List.of());
    }
    // Profiles without a zone of their own use UTC, as the simulator does.
    return new WorkspaceEngine(workspace, new Engine(d, ZoneOffset.UTC), definitions);
  }
}
