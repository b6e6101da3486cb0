package io.kairos.server.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.engine.Engine;
import io.kairos.engine.PendingMessage;
import io.kairos.engine.ProfileState;
import io.kairos.policy.Consent;
import io.kairos.policy.Message;
import io.kairos.profile.Profile;
import io.kairos.scoring.ScoreDefinition;
import io.kairos.server.runtime.LiveRuntime;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON the profiles API answers with: a profile (its stored search columns and its decoded
 * engine state, viewed at a moment), a profile in a search result, and timeline items. Times are
 * ISO-8601 UTC.
 */
final class Views {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fields of a timeline row's detail that hold a moment (epoch millis in the store). */
  private static final List<String> TIMES = List.of("until", "due", "timestamp");

  private Views() {}

  /** A full profile as {@code GET /v1/profiles/{id}} shows it, at {@code now}. */
  static Map<String, Object> profile(
      ProfileStore.Row row, LiveRuntime.StoredState stored, long now) {
    ProfileState state = stored.state();
    Engine engine = stored.engine();
    Profile p = state.profile();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", row.id());
    m.put("user_id", p.userId());
    m.put("anonymous_ids", p.anonymousIds());
    // The traits column is what the writer stored for search: the same values, as plain JSON.
    m.put("traits", json(row.traits()));
    m.put("tags", List.copyOf(p.tags()));
    m.put("timezone", p.timezone());
    m.put("locale", p.locale());
    m.put("first_seen", p.firstSeen() == Long.MIN_VALUE ? null : time(p.firstSeen()));
    m.put("last_seen", p.lastSeen() == Long.MIN_VALUE ? null : time(p.lastSeen()));
    Map<String, Object> events = new LinkedHashMap<>();
    for (int i = 0; i < p.countedNames(); i++) {
      Map<String, Object> stat = new LinkedHashMap<>();
      stat.put("count", p.countAt(i));
      stat.put("last", time(p.lastAt(i)));
      events.put(p.countedName(i), stat);
    }
    m.put("events", events);
    m.put("segments", List.copyOf(state.segments()));
    m.put("places", state.fences());
    Map<String, Object> view = engine.view(state, now);
    Map<String, Object> scores = new LinkedHashMap<>();
    for (ScoreDefinition s : engine.definitions().scores()) {
      scores.put(s.name(), view.get(s.name()));
    }
    m.put("scores", scores);
    m.put(
        "lifecycle_stage",
        engine.definitions().lifecycle().defined() ? view.get("lifecycle_stage") : null);
    List<Map<String, Object>> journeys = new ArrayList<>();
    for (ProfileState.InFlight in : state.inFlight()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("journey", in.journey());
      j.put("version", in.version());
      j.put("instance", in.instance());
      j.put("step", in.step());
      j.put("state", in.state().name().toLowerCase(Locale.ROOT));
      j.put("entered_at", time(in.enteredAt()));
      j.put("until", in.until() == 0 ? null : time(in.until()));
      journeys.add(j);
    }
    m.put("journeys", journeys);
    List<Map<String, Object>> deferred = new ArrayList<>();
    for (PendingMessage d : state.deferredMessages()) {
      Message msg = d.message();
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("message_id", msg.id());
      x.put("journey", d.journey());
      x.put("version", d.version());
      x.put("step", d.step());
      x.put("channel", msg.channel());
      x.put("template", d.template());
      x.put("category", msg.category() == null ? null : msg.category().word());
      x.put("topic", msg.topic());
      x.put("deferred_at", time(d.firstDeferredAt()));
      x.put("due", time(d.due()));
      x.put("expires_at", msg.expiresAt() == Long.MAX_VALUE ? null : time(msg.expiresAt()));
      deferred.add(x);
    }
    m.put("deferred_messages", deferred);
    List<Map<String, Object>> consent = new ArrayList<>();
    List<Map<String, Object>> suppressions = new ArrayList<>();
    Consent c = state.consent();
    if (c != null) {
      c.scopes()
          .forEach(
              (key, e) -> {
                int slash = key.indexOf('/');
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("channel", key.substring(0, slash));
                x.put("topic", key.substring(slash + 1));
                x.put("subscribed", e.subscribed());
                x.put("at", time(e.time()));
                x.put("source", e.source());
                consent.add(x);
              });
      c.bounces()
          .forEach(
              (channel, b) -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("channel", channel);
                x.put("address", b.address());
                x.put("at", time(b.time()));
                x.put("source", b.source());
                suppressions.add(x);
              });
    }
    m.put("consent", consent);
    m.put("suppressions", suppressions);
    m.put("updated_at", time(row.updatedAt()));
    return m;
  }

  /** A profile in a search result: its search columns. */
  static Map<String, Object> found(ProfileStore.Found f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.id());
    m.put("user_id", f.userId());
    m.put("traits", json(f.traits()));
    m.put("updated_at", time(f.updatedAt()));
    return m;
  }

  /**
   * A timeline item. An event: {@code kind} {@code event}, its type, name, timestamp (as {@code
   * at}), received_at, seq, message id and properties (traits for identify and group calls, data
   * for an API trigger). A decision: the runtime's kind, journey, version, step, message id,
   * revenue, summary, reason and the rest of its detail.
   */
  static Map<String, Object> item(TimelineStore.Item it) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (it.isEvent()) {
      m.put("kind", "event");
      m.put("at", time(it.key().time()));
      m.put("type", it.type());
      m.put("name", it.name());
      m.put("seq", it.key().seq());
      m.put("received_at", time(it.receivedAt()));
      m.put("message_id", it.messageId());
      JsonNode body = jsonBytes(it.body());
      if ("trigger".equals(it.type())) {
        m.put("properties", field(body, "data"));
      } else {
        m.put("properties", field(body, "properties"));
        if ("identify".equals(it.type()) || "group".equals(it.type())) {
          m.put("traits", field(body, "traits"));
        }
      }
      return m;
    }
    m.put("kind", it.kind());
    m.put("at", time(it.key().time()));
    m.put("journey", it.journey());
    m.put("version", it.version());
    m.put("step", it.step());
    m.put("message_id", it.messageId());
    if (it.revenue() != null) {
      m.put("revenue", it.revenue());
    }
    JsonNode d = json(it.detail());
    if (d instanceof ObjectNode o) {
      m.put("summary", o.remove("summary"));
      m.put("reason", o.remove("reason"));
      m.put("seq", it.key().seq() == 0 ? null : it.key().seq());
      // The runtime stores moments as epoch millis; the API speaks ISO-8601 throughout.
      for (String f : TIMES) {
        JsonNode t = o.get(f);
        if (t != null && t.isIntegralNumber()) {
          o.put(f, time(t.asLong()));
        }
      }
      m.put("detail", o);
    } else {
      m.put("detail", d);
    }
    return m;
  }

  static String time(long millis) {
    return Timestamps.format(millis);
  }

  private static JsonNode field(JsonNode body, String name) {
    JsonNode v = body == null ? null : body.get(name);
    return v == null || v.isNull() ? JSON.createObjectNode() : v;
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }

  private static JsonNode jsonBytes(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }
}
