package io.kairos.profile;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One customer: identities, traits, tags, computed attributes (first and last seen, count and last
 * time per event name), time zone and locale.
 *
 * <p>Mutable, and owned by one writer (the engine thread of its partition). Fields stay null until
 * used, because a runtime may hold millions of profiles.
 */
public final class Profile {
  private final String id;
  private String userId;
  private List<String> anonymousIds;
  private Map<String, Object> traits;
  private Set<String> tags;
  private String timezone;
  private ZoneId zone;
  private String locale;
  private long firstSeen = Long.MIN_VALUE;
  private long lastSeen = Long.MIN_VALUE;
  private final EventStats stats = new EventStats();
  private EventTimes times;

  /**
   * @param id the key the profile is stored under: its userId, or its anonymousId until it is
   *     identified
   */
  public Profile(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public String userId() {
    return userId;
  }

  public void setUserId(String userId) {
    this.userId = userId;
  }

  public List<String> anonymousIds() {
    return anonymousIds == null ? List.of() : Collections.unmodifiableList(anonymousIds);
  }

  /** Adds an anonymousId; returns false when the profile already had it. */
  public boolean addAnonymousId(String anonymousId) {
    if (anonymousIds == null) {
      anonymousIds = new ArrayList<>(1);
    } else if (anonymousIds.contains(anonymousId)) {
      return false;
    }
    anonymousIds.add(anonymousId);
    return true;
  }

  /** The traits, as set by identify calls and journey updates. */
  public Map<String, Object> traits() {
    return traits == null ? Map.of() : Collections.unmodifiableMap(traits);
  }

  public Object trait(String key) {
    return traits == null ? null : traits.get(key);
  }

  /** Sets a trait; a null value removes it. Returns the previous value. */
  public Object setTrait(String key, Object value) {
    if (value == null) {
      return traits == null ? null : traits.remove(key);
    }
    if (traits == null) {
      traits = new LinkedHashMap<>();
    }
    return traits.put(key, value);
  }

  public Set<String> tags() {
    return tags == null ? Set.of() : Collections.unmodifiableSet(tags);
  }

  public boolean addTag(String tag) {
    if (tags == null) {
      tags = new LinkedHashSet<>();
    }
    return tags.add(tag);
  }

  public boolean removeTag(String tag) {
    return tags != null && tags.remove(tag);
  }

  /** IANA zone name, or null when unknown. */
  public String timezone() {
    return timezone;
  }

  /** The profile's zone, or null when unknown. */
  public ZoneId zone() {
    return zone;
  }

  /** Sets the zone; an invalid name is ignored and false returned. */
  public boolean setTimezone(String name) {
    if (name == null || name.equals(timezone)) {
      return name != null;
    }
    try {
      zone = zoneOf(name);
      timezone = name;
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  // ZoneId.of builds a new object on every call; a few hundred region names serve millions of
  // profiles, so each profile shares the one built here (immutable, so safe on any thread).
  private static final Map<String, ZoneId> REGIONS = regions();

  private static Map<String, ZoneId> regions() {
    Map<String, ZoneId> m = new java.util.HashMap<>();
    for (String name : ZoneId.getAvailableZoneIds()) {
      m.put(name, ZoneId.of(name));
    }
    return Map.copyOf(m);
  }

  private static ZoneId zoneOf(String name) {
    ZoneId z = REGIONS.get(name);
    return z != null ? z : ZoneId.of(name); // offsets like +02:00; throws for an invalid name
  }

  public String locale() {
    return locale;
  }

  public void setLocale(String locale) {
    this.locale = locale;
  }

  /** Epoch millis of the first event, or Long.MIN_VALUE when none has been seen. */
  public long firstSeen() {
    return firstSeen;
  }

  /** Epoch millis of the latest event, or Long.MIN_VALUE when none has been seen. */
  public long lastSeen() {
    return lastSeen;
  }

  /** Counts an event: first/last seen and the per-name count and time. */
  public void recordEvent(String name, long time) {
    if (firstSeen == Long.MIN_VALUE || time < firstSeen) {
      firstSeen = time;
    }
    if (time > lastSeen) {
      lastSeen = time;
    }
    stats.record(name, time);
  }

  /**
   * Counts an event the engine derived (entered a segment, changed lifecycle stage): per-name count
   * and time only, since it is not something the customer did, so first and last seen stay.
   */
  public void recordObservation(String name, long time) {
    stats.record(name, time);
  }

  /**
   * Takes in everything known about another profile of the same person (an anonymous visitor who
   * has just identified): its ids become anonymous ids of this one, its traits fill the traits this
   * profile lacks (what is known about the identified person wins), tags and event counts add up,
   * first and last seen widen, and its zone and locale are kept if this one has none.
   */
  public void absorb(Profile other) {
    if (other.userId == null) {
      addAnonymousId(other.id);
    }
    for (String a : other.anonymousIds()) {
      if (!a.equals(id)) {
        addAnonymousId(a);
      }
    }
    other
        .traits()
        .forEach(
            (k, v) -> {
              if (trait(k) == null) {
                setTrait(k, v);
              }
            });
    other.tags().forEach(this::addTag);
    if (timezone == null && other.timezone != null) {
      setTimezone(other.timezone);
    }
    if (locale == null) {
      locale = other.locale;
    }
    if (other.firstSeen != Long.MIN_VALUE) {
      firstSeen =
          firstSeen == Long.MIN_VALUE ? other.firstSeen : Math.min(firstSeen, other.firstSeen);
      lastSeen = Math.max(lastSeen, other.lastSeen);
    }
    stats.addAll(other.stats);
    if (other.times != null) {
      if (times == null) {
        times = new EventTimes();
      }
      times.addAll(other.times);
    }
  }

  /**
   * Keeps the time of an event of a name that a windowed count reads, for {@code horizon} ms (the
   * longest window over it) after {@code now}.
   */
  public void recordTime(String name, long time, long now, long horizon) {
    if (times == null) {
      times = new EventTimes();
    }
    times.record(name, time, now, horizon);
  }

  /** Kept events of this name after {@code after} (see {@link #recordTime}). */
  public long countAfter(String name, long after) {
    return times == null ? 0 : times.countAfter(name, after);
  }

  /** The first kept event time of this name after {@code after}, or Long.MAX_VALUE. */
  public long firstAfter(String name, long after) {
    return times == null ? Long.MAX_VALUE : times.firstAfter(name, after);
  }

  /** How many events of this name the profile has had. */
  public int eventCount(String name) {
    return stats.count(name);
  }

  /** When the last event of this name happened, or Long.MIN_VALUE. */
  public long lastEventTime(String name) {
    return stats.last(name);
  }

  // ---- the computed attributes exactly as kept, for a state codec (io.kairos.engine.StateCodec)
  // --

  /** How many event names have a count and last time, in the order first seen. */
  public int countedNames() {
    return stats.size();
  }

  /** The {@code i}-th counted event name (see {@link #countedNames}). */
  public String countedName(int i) {
    return stats.name(i);
  }

  /** How many events of the {@code i}-th counted name the profile has had. */
  public int countAt(int i) {
    return stats.countAt(i);
  }

  /** When the last event of the {@code i}-th counted name happened. */
  public long lastAt(int i) {
    return stats.lastAt(i);
  }

  /** How many event names have their recent times kept for windowed counts. */
  public int timedNames() {
    return times == null ? 0 : times.size();
  }

  /** The {@code i}-th timed event name (see {@link #timedNames}). */
  public String timedName(int i) {
    return times.name(i);
  }

  /** A copy of the kept times of the {@code i}-th timed event name, oldest first. */
  public long[] timesAt(int i) {
    return times.timesAt(i);
  }

  /** Restores first and last seen as they were kept; Long.MIN_VALUE for none. */
  public void restoreSeen(long firstSeen, long lastSeen) {
    this.firstSeen = firstSeen;
    this.lastSeen = lastSeen;
  }

  /**
   * Restores one counted event name after those restored before it.
   *
   * @throws IllegalArgumentException when the name was restored already
   */
  public void restoreCount(String name, int count, long last) {
    stats.restore(name, count, last);
  }

  /**
   * Restores the kept times (sorted, oldest first) of one event name after those before it.
   *
   * @throws IllegalArgumentException when the name was restored already or the times are unsorted
   */
  public void restoreTimes(String name, long[] sortedTimes) {
    if (times == null) {
      times = new EventTimes();
    }
    times.restore(name, sortedTimes);
  }

  /**
   * The profile as expressions and templates see it: traits at the top level, then the computed
   * attributes, which win over a trait of the same name: {@code id}, {@code user_id}, {@code
   * anonymous_ids}, {@code tags}, {@code timezone}, {@code locale}, {@code first_seen} and {@code
   * last_seen} (timestamps), and {@code events}: per event name {@code {count, last}}.
   */
  public Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (traits != null) {
      m.putAll(traits);
    }
    m.put("id", id);
    if (userId != null) {
      m.put("user_id", userId);
    }
    m.put("anonymous_ids", anonymousIds());
    m.put("tags", List.copyOf(tags()));
    if (timezone != null) {
      m.put("timezone", timezone);
    }
    if (locale != null) {
      m.put("locale", locale);
    }
    if (firstSeen != Long.MIN_VALUE) {
      m.put("first_seen", Instant.ofEpochMilli(firstSeen));
      m.put("last_seen", Instant.ofEpochMilli(lastSeen));
    }
    Map<String, Object> events = new LinkedHashMap<>();
    for (int i = 0; i < stats.size(); i++) {
      // Ordered maps only: Map.of iterates in a per-JVM random order, and traces must be stable.
      Map<String, Object> stat = new LinkedHashMap<>(4);
      stat.put("count", (long) stats.countAt(i));
      stat.put("last", Instant.ofEpochMilli(stats.lastAt(i)));
      events.put(stats.name(i), stat);
    }
    m.put("events", events);
    return m;
  }
}
