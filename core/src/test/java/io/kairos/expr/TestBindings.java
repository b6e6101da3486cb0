package io.kairos.expr;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Bindings over fixed maps that count how often each map is asked for. */
final class TestBindings implements Bindings {
  final Map<String, Object> event;
  final Map<String, Object> profile;
  final Map<String, Object> journey;
  final long now;
  int eventCalls;
  int profileCalls;
  int journeyCalls;

  TestBindings(Map<String, Object> event, Map<String, Object> profile, Instant now) {
    this(event, profile, new HashMap<>(), now);
  }

  TestBindings(
      Map<String, Object> event,
      Map<String, Object> profile,
      Map<String, Object> journey,
      Instant now) {
    this.event = event;
    this.profile = profile;
    this.journey = journey;
    this.now = now.toEpochMilli();
  }

  @Override
  public Map<String, Object> event() {
    eventCalls++;
    return event;
  }

  @Override
  public Map<String, Object> profile() {
    profileCalls++;
    return profile;
  }

  @Override
  public Map<String, Object> journey() {
    journeyCalls++;
    return journey;
  }

  @Override
  public long now() {
    return now;
  }
}
