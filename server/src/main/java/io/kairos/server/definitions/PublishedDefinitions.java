package io.kairos.server.definitions;

import io.kairos.definition.Definitions;
import io.kairos.journey.Journey;
import java.util.function.Consumer;

/**
 * What the live runtime needs from the definitions store: the definitions published in a workspace
 * now, any journey version customers may still be in, and a signal when a workspace's published
 * definitions change.
 *
 * <p>How journey statuses reach the engine: {@link #published} holds the journeys whose status is
 * published, at their live version, in creation order; paused and archived journeys are left out,
 * so nothing starts them. Customers in flight are resolved by the version they entered through
 * {@link #version}, which answers for every version ever saved, so they continue (paused) or finish
 * (archived, or replaced by a newer version) where they are. See docs/api.md.
 */
public interface PublishedDefinitions {

  /** The definitions live in {@code workspace} now (journeys, segments, policies, catalogue...). */
  Definitions published(String workspace);

  /**
   * A journey version as it was published, even when a newer one is live or the journey was paused
   * or archived since: customers in flight finish the version they entered.
   *
   * @param version the journey's content version ({@link Journey#version()})
   * @return null when the store never had that version
   */
  Journey version(String workspace, String journeyId, String version);

  /** Calls {@code listener} with the workspace id after its published definitions changed. */
  void onChange(Consumer<String> listener);
}
