package io.kairos.segment;

import io.kairos.expr.Bindings;
import io.kairos.expr.Expression;
import io.kairos.expr.ProfileFacts;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bindings that pass everything through and listen to the profile functions: the values they gave
 * (for the trace) and the earliest moment any of them changes with time alone.
 */
final class Tracker implements Bindings, ProfileFacts {
  private final Bindings base;
  private final ProfileFacts facts;
  private final Map<String, Object> seen = new LinkedHashMap<>();
  private final boolean recording;
  long next = Long.MAX_VALUE;

  Tracker(Bindings base, boolean recording) {
    this.base = base;
    this.facts = base.facts();
    this.recording = recording;
  }

  @Override
  public Map<String, Object> event() {
    return base.event();
  }

  @Override
  public Map<String, Object> profile() {
    return base.profile();
  }

  @Override
  public Map<String, Object> journey() {
    return base.journey();
  }

  @Override
  public long now() {
    return base.now();
  }

  @Override
  public ProfileFacts facts() {
    return this;
  }

  @Override
  public long count(String name) {
    return facts.count(name);
  }

  @Override
  public long countAfter(String name, long after) {
    return facts.countAfter(name, after);
  }

  @Override
  public long firstAfter(String name, long after) {
    return facts.firstAfter(name, after);
  }

  @Override
  public long last(String name) {
    return facts.last(name);
  }

  @Override
  public ZoneId zone() {
    return facts.zone();
  }

  @Override
  public boolean inSegment(String id) {
    return facts.inSegment(id);
  }

  @Override
  public boolean observing() {
    return true;
  }

  @Override
  public boolean recording() {
    return recording;
  }

  @Override
  public void observe(String call, Object value, long nextChange) {
    if (call != null) {
      seen.putIfAbsent(call, value);
    }
    if (nextChange < next) {
      next = nextChange;
    }
  }

  /** " (profile.plan = "pro", count("Order Completed", 30d) = 2)" for what the condition read. */
  String values(Expression where) {
    StringBuilder s = new StringBuilder();
    for (String path : where.references()) {
      if (path.startsWith("profile.")) {
        append(s, path, lookup(path));
      }
    }
    seen.forEach((k, v) -> append(s, k, v));
    return s.length() == 0 ? "" : " (" + s + ")";
  }

  private static void append(StringBuilder s, String what, Object v) {
    if (s.length() > 0) {
      s.append(", ");
    }
    s.append(what).append(" = ");
    if (v instanceof String str && !what.startsWith("last(")) {
      s.append('"').append(str).append('"');
    } else if (v instanceof Instant i) {
      s.append(i);
    } else {
      s.append(v);
    }
  }

  private Object lookup(String path) {
    List<String> parts = List.of(path.split("\\."));
    Object cur = base.profile();
    for (int i = 1; i < parts.size() && cur != null; i++) {
      cur = cur instanceof Map<?, ?> m ? m.get(parts.get(i)) : null;
    }
    return cur;
  }
}
