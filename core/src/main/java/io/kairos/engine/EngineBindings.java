package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.expr.Bindings;
import io.kairos.expr.ProfileFacts;
import io.kairos.expr.Recommendations;
import io.kairos.recommend.Recommender;
import io.kairos.recommend.ShopperRecommendations;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/** What expressions see, built only on first read. */
final class EngineBindings implements Bindings {
  private final ProfileState state;
  private final Event event;
  private final Instance instance;
  private final long now;
  private final Leads leads;
  private final ZoneId fallbackZone;
  private Map<String, Object> eventView;
  private Map<String, Object> profileView;
  private Map<String, Object> journeyView;

  private final Recommender recommender;

  /**
   * @param recommender the workspace's recommendation model, for the CEL functions over products;
   *     null for none
   * @param leads adds scores and the lifecycle stage to the profile view; null for none
   * @param fallbackZone the zone of a profile without one, for {@code age} and windows in days
   */
  EngineBindings(
      ProfileState state,
      Event event,
      Instance instance,
      long now,
      Recommender recommender,
      Leads leads,
      ZoneId fallbackZone) {
    this.state = state;
    this.leads = leads;
    this.event = event;
    this.instance = instance;
    this.now = now;
    this.fallbackZone = fallbackZone;
    this.recommender = recommender;
  }

  @Override
  public Recommendations recommendations() {
    return recommender == null
        ? Recommendations.NONE
        : new ShopperRecommendations(recommender, state.shopper);
  }

  @Override
  public Map<String, Object> event() {
    if (eventView == null) {
      eventView = event == null ? Map.of() : view(event);
    }
    return eventView;
  }

  @Override
  public Map<String, Object> profile() {
    if (profileView == null) {
      profileView = state.profile().view();
      if (leads != null) {
        leads.view(profileView, state, now);
      }
      // The segments the profile is in, in the order it entered them; wins over a trait.
      profileView.put("segments", java.util.List.copyOf(state.segments()));
    }
    return profileView;
  }

  @Override
  public Map<String, Object> journey() {
    if (journeyView == null) {
      journeyView = instance == null ? Map.of() : instance.view();
    }
    return journeyView;
  }

  @Override
  public long now() {
    return now;
  }

  @Override
  public ProfileFacts facts() {
    return new Facts(state, fallbackZone);
  }

  /** The profile functions' view of a profile state. */
  private record Facts(ProfileState state, ZoneId fallbackZone) implements ProfileFacts {
    @Override
    public long count(String name) {
      return state.profile().eventCount(name);
    }

    @Override
    public long countAfter(String name, long after) {
      return state.profile().countAfter(name, after);
    }

    @Override
    public long firstAfter(String name, long after) {
      return state.profile().firstAfter(name, after);
    }

    @Override
    public long last(String name) {
      return state.profile().lastEventTime(name);
    }

    @Override
    public ZoneId zone() {
      ZoneId z = state.profile().zone();
      return z != null ? z : fallbackZone;
    }

    @Override
    public boolean inSegment(String id) {
      return state.inSegment(id);
    }
  }

  /** The event as expressions see it. */
  static Map<String, Object> view(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    m.put("type", e.type().wireName());
    if (e.messageId() != null) {
      m.put("message_id", e.messageId());
    }
    if (e.userId() != null) {
      m.put("user_id", e.userId());
    }
    if (e.anonymousId() != null) {
      m.put("anonymous_id", e.anonymousId());
    }
    m.put("timestamp", Instant.ofEpochMilli(e.timestamp()));
    m.put("properties", e.properties().asMap());
    m.put("traits", e.traits().asMap());
    m.put("context", e.context().raw().asMap());
    return m;
  }
}
