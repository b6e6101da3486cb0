package io.kairos.engine;

import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.event.Location;
import io.kairos.geo.Presence;
import io.kairos.journey.Category;
import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import io.kairos.policy.Consent;
import io.kairos.policy.Message;
import io.kairos.policy.SendLog;
import io.kairos.profile.Profile;
import io.kairos.recommend.Shopper;
import io.kairos.scoring.Lifecycle;
import io.kairos.scoring.ScoreDefinition;
import io.kairos.scoring.ScoreRule;
import io.kairos.segment.SegmentSet;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The whole of a {@link ProfileState} as bytes and back, so a runtime can keep each profile in a
 * database between inputs: a state encoded, dropped (the process killed) and decoded in another
 * process continues exactly as the original would have, given the same journeys and definitions.
 *
 * <p>The format is compact (variable-length numbers, nothing for what is unset) and deterministic:
 * the same state gives the same bytes. Its first byte is the format version ({@value
 * #FORMAT_VERSION}); the last four are a CRC-32C of the rest, so a damaged row is refused instead
 * of run. Maps, sets and lists keep their order; values keep their Java types (long, int, double,
 * BigDecimal, Instant, Duration, nested maps and lists, ...), and event objects that were never
 * parsed stay the JSON text they arrived as. Deferred messages are one length-prefixed run (version
 * 3), which a decoded state keeps as bytes until the engine reads one.
 *
 * <p>What the engine indexes by position in its current definitions is stored by name instead,
 * because a new deployment may order them differently: the per-journey entry history, inactivity
 * and date timers by journey id (slots are renumbered when a {@link JourneySet} is built afresh),
 * scores by score name, daily caps by rule id, the lifecycle stage by stage id, and the next change
 * of time-aware segments by segment id. Decoding against definitions that no longer have a name
 * drops what was kept under it (see {@link #decode}).
 */
public final class StateCodec {

  /** The version of the format {@link #encode} writes and {@link #decode} reads. */
  public static final int FORMAT_VERSION = 3;

  /** Deeper values than this are refused: nesting a parser allows is far below it. */
  static final int MAX_DEPTH = 1_100;

  // Enums are stored by ordinal: a new constant goes at the end, or the format version moves on.
  private static final InstanceState[] STATES = InstanceState.values();
  private static final EventType[] TYPES = EventType.values();
  private static final Category[] CATEGORIES = Category.values();

  private StateCodec() {}

  /**
   * What the codec needs from the runtime: the engine whose journeys and definitions a state is
   * read against, and journey versions that may no longer be published.
   */
  public interface Journeys {
    /**
     * The engine the state belongs to: its current {@link JourneySet} gives journey slots, its
     * definitions the scores, lifecycle stages and segments.
     */
    Engine engine();

    /**
     * The journey {@code id} at {@code version} (a definition hash, see {@link Journey#version()}),
     * or null when that version is gone. An instance in flight finishes on the version it entered,
     * so a runtime that publishes new versions keeps the old ones while instances may use them.
     */
    Journey version(String id, String version);

    /** The engine's journeys, each at its current version only. */
    static Journeys of(Engine engine) {
      return new Journeys() {
        @Override
        public Engine engine() {
          return engine;
        }

        @Override
        public Journey version(String id, String version) {
          Journey j = engine.journeys().get(id);
          return j != null && j.version().equals(version) ? j : null;
        }
      };
    }
  }

  // ---- encoding --------------------------------------------------------------------------------

  /**
   * A state's bytes, and an estimate of the heap the state takes as objects: what a runtime that
   * keeps states in memory bounds its cache by. The estimate counts what the format writes (each
   * string, map, entry, boxed number and record at HotSpot's 64-bit sizes with compressed
   * references) and errs high: strings the state shares with the definitions count as its own.
   */
  public record Encoded(byte[] bytes, long heapBytes) {}

  // Heap estimates, besides the strings ByteWriter counts: see Encoded.
  /** ProfileState, Profile and their fixed parts (arrays, stats). */
  private static final int STATE_HEAP = 384;

  /** An object with a handful of fields: an instance, an event, a message, a score. */
  private static final int RECORD_HEAP = 48;

  /** A LinkedHashMap (56), its table's header, an unmodifiable view and its entry set. */
  private static final int MAP_HEAP = 112;

  /** A map entry (40) and its table slots at the default load factor. */
  private static final int ENTRY_HEAP = 48;

  /** A Long, Double or Integer, and its reference. */
  private static final int BOXED_HEAP = 20;

  /** An ArrayList (24) and its array's header; then a reference per element. */
  private static final int LIST_HEAP = 48;

  /**
   * The state as bytes.
   *
   * @throws IllegalArgumentException when a trait or other kept value is of a type the format does
   *     not know (every type events, profile files and expressions produce is known)
   */
  public static byte[] encode(ProfileState state, Journeys journeys) {
    return encodeMeasured(state, journeys).bytes();
  }

  /**
   * As {@link #encode}, with the estimate of the state's heap (see {@link Encoded}).
   *
   * @throws IllegalArgumentException as {@link #encode} does
   */
  public static Encoded encodeMeasured(ProfileState state, Journeys journeys) {
    Engine engine = journeys.engine();
    ByteWriter w = new ByteWriter(512);
    w.heap(STATE_HEAP);
    w.u8(FORMAT_VERSION);
    writeProfile(w, state.profile());
    w.zigzag(state.nextSeq);
    w.count(state.instanceCount);
    for (int i = 0; i < state.instanceCount; i++) {
      writeInstance(w, state.instances[i]);
    }
    List<Instance> watching = state.watching;
    w.nullableCount(watching == null ? 0 : watching.size(), watching == null);
    if (watching != null) {
      for (Instance in : watching) {
        writeInstance(w, in);
      }
    }
    writeSlots(w, state, engine.journeys());
    w.zigzag(state.datesArmedFor);
    writeLeads(w, state.leads, engine);
    writePresence(w, state.presence);
    writeShopper(w, state.shopper);
    writeConsent(w, state.consent);
    writeSendLog(w, state.sendLog);
    writeDeferred(w, state);
    Set<String> segments = state.segments;
    w.nullableCount(segments == null ? 0 : segments.size(), segments == null);
    if (segments != null) {
      w.heap(MAP_HEAP + (long) ENTRY_HEAP * segments.size());
      for (String s : segments) {
        w.string(s);
      }
    }
    w.zigzag(state.segmentsDue);
    writeSegmentNext(w, state.segmentNext, engine.segments());
    byte[] bytes = w.finishWithChecksum();
    return new Encoded(bytes, w.heap());
  }

  private static void writeProfile(ByteWriter w, Profile p) {
    w.string(p.id());
    w.nullableString(p.userId());
    List<String> anonymous = p.anonymousIds();
    w.count(anonymous.size());
    for (String a : anonymous) {
      w.string(a);
    }
    Map<String, Object> traits = p.traits();
    w.heap(traits.isEmpty() ? 0 : MAP_HEAP + (long) ENTRY_HEAP * traits.size());
    w.count(traits.size());
    for (Map.Entry<String, Object> t : traits.entrySet()) {
      w.string(t.getKey());
      writeValue(w, t.getValue(), 0);
    }
    Set<String> tags = p.tags();
    w.heap(tags.isEmpty() ? 0 : MAP_HEAP + (long) ENTRY_HEAP * tags.size());
    w.count(tags.size());
    for (String t : tags) {
      w.string(t);
    }
    w.nullableString(p.timezone());
    w.nullableString(p.locale());
    w.moment(p.firstSeen());
    w.moment(p.lastSeen());
    int names = p.countedNames();
    w.count(names);
    for (int i = 0; i < names; i++) {
      w.string(p.countedName(i));
      w.varint(p.countAt(i));
      w.zigzag(p.lastAt(i));
    }
    int timed = p.timedNames();
    w.count(timed);
    for (int i = 0; i < timed; i++) {
      w.string(p.timedName(i));
      long[] times = p.timesAt(i);
      w.heap(16 + 8L * times.length);
      w.count(times.length);
      // Sorted, so after the first each is a small non-negative step from the one before.
      long previous = 0;
      for (int k = 0; k < times.length; k++) {
        if (k == 0) {
          w.zigzag(times[0]);
        } else {
          w.varint(times[k] - previous);
        }
        previous = times[k];
      }
    }
  }

  private static void writeInstance(ByteWriter w, Instance in) {
    w.heap(RECORD_HEAP + 16);
    w.string(in.journey.id());
    w.string(in.journey.version());
    w.zigzag(in.seq);
    w.zigzag(in.enteredAt);
    w.bool(in.trigger != null);
    if (in.trigger != null) {
      writeEvent(w, in.trigger);
    }
    w.u8(in.state().ordinal());
    w.count(in.step);
    w.zigzag(in.timerDue);
    w.zigzag(in.timerToken);
    w.u8((in.converted ? 1 : 0) | (in.holdout ? 2 : 0));
    w.nullableString(in.arm);
  }

  private static void writeEvent(ByteWriter w, Event e) {
    w.heap(2 * RECORD_HEAP);
    w.u8(e.type().ordinal());
    w.nullableString(e.messageId());
    w.nullableString(e.userId());
    w.nullableString(e.anonymousId());
    w.zigzag(e.timestamp());
    w.string(e.name());
    writeJson(w, e.properties());
    writeJson(w, e.traits());
    EventContext c = e.context();
    boolean empty = c == EventContext.EMPTY;
    w.bool(!empty);
    if (!empty) {
      w.nullableString(c.timezone());
      w.nullableString(c.locale());
      w.bool(c.location() != null);
      if (c.location() != null) {
        w.f64(c.location().latitude());
        w.f64(c.location().longitude());
      }
      w.nullableString(c.ip());
      writeJson(w, c.raw());
    }
    w.nullableString(e.previousId());
    w.nullableString(e.groupId());
  }

  private static final int JSON_EMPTY = 0;
  private static final int JSON_TEXT = 1;
  private static final int JSON_MAP = 2;

  /** An object never parsed stays its text; a parsed or built one is written as its values. */
  private static void writeJson(ByteWriter w, JsonObject o) {
    if (o == JsonObject.EMPTY) {
      w.u8(JSON_EMPTY);
      return;
    }
    byte[] text = o.unparsedBytes();
    w.heap(RECORD_HEAP / 2);
    if (text != null) {
      w.u8(JSON_TEXT);
      w.bytes(text);
      return;
    }
    w.u8(JSON_MAP);
    writeMap(w, o.asMap(), 0);
  }

  /** Per journey id, what the state keeps in that journey's slot: only the slots in use. */
  private static void writeSlots(ByteWriter w, ProfileState state, JourneySet set) {
    int slots = set.slotCount();
    int used = 0;
    for (int slot = 0; slot < slots; slot++) {
      if (slotFlags(state, slot) != 0) {
        used++;
      }
    }
    w.count(used);
    for (int slot = 0; slot < slots; slot++) {
      int flags = slotFlags(state, slot);
      if (flags == 0) {
        continue;
      }
      w.string(set.journeyAt(slot));
      w.u8(flags);
      if ((flags & 1) != 0) {
        w.zigzag(state.lastEntry(slot));
      }
      if ((flags & 2) != 0) {
        w.zigzag(state.inactivityDue(slot));
      }
      if ((flags & 4) != 0) {
        w.zigzag(state.dateDue(slot));
      }
      if ((flags & 8) != 0) {
        w.zigzag(state.dateFired(slot));
      }
    }
  }

  private static int slotFlags(ProfileState state, int slot) {
    return (state.lastEntry(slot) != Long.MIN_VALUE ? 1 : 0)
        | (state.inactivityDue(slot) != 0 ? 2 : 0)
        | (state.dateDue(slot) != 0 ? 4 : 0)
        | (state.dateFired(slot) != Long.MIN_VALUE ? 8 : 0);
  }

  private static void writeLeads(ByteWriter w, LeadState ls, Engine engine) {
    w.bool(ls != null);
    if (ls == null) {
      return;
    }
    List<ScoreDefinition> defs = engine.definitions().scores();
    w.bool(ls.scores != null);
    if (ls.scores != null) {
      int kept = 0;
      for (LeadState.Score s : ls.scores) {
        if (s != null) {
          kept++;
        }
      }
      w.count(kept);
      for (int i = 0; i < ls.scores.length; i++) {
        LeadState.Score s = ls.scores[i];
        if (s != null) {
          w.string(defs.get(i).name());
          writeScore(w, s, defs.get(i));
        }
      }
    }
    Lifecycle lifecycle = engine.definitions().lifecycle();
    w.nullableString(
        ls.stage < lifecycle.stages().size() ? lifecycle.stages().get(ls.stage).id() : null);
    w.nullableString(ls.pool);
    w.nullableString(ls.owner);
    w.nullableCount(ls.pending == null ? 0 : ls.pending.size(), ls.pending == null);
    if (ls.pending != null) {
      for (LeadState.Pending p : ls.pending) {
        w.heap(RECORD_HEAP);
        w.string(p.name());
        writeMap(w, p.properties(), 0);
      }
    }
  }

  private static void writeScore(ByteWriter w, LeadState.Score s, ScoreDefinition def) {
    w.heap(RECORD_HEAP + 16);
    w.f64(s.value);
    w.zigzag(s.asOf);
    w.zigzag(s.band);
    w.nullableCount(s.awards == null ? 0 : s.awards.size(), s.awards == null);
    if (s.awards != null) {
      w.heap(LIST_HEAP + 8L * s.awards.size());
      for (LeadState.Award a : s.awards) {
        w.heap(RECORD_HEAP);
        w.zigzag(a.at());
        w.zigzag(a.expires());
        w.f64(a.points());
        w.nullableString(a.rule());
      }
    }
    w.zigzag(s.timerDue);
    w.zigzag(s.token);
    w.bool(s.capDay != null);
    if (s.capDay != null) {
      int used = 0;
      for (int r = 0; r < s.capDay.length; r++) {
        if (s.capDay[r] != Long.MIN_VALUE || s.capPoints[r] != 0) {
          used++;
        }
      }
      w.count(used);
      for (int r = 0; r < s.capDay.length; r++) {
        if (s.capDay[r] != Long.MIN_VALUE || s.capPoints[r] != 0) {
          w.string(def.rules().get(r).id());
          w.moment(s.capDay[r]);
          w.f64(s.capPoints[r]);
        }
      }
    }
  }

  private static void writePresence(ByteWriter w, Presence p) {
    w.bool(p != null);
    if (p != null) {
      List<String> ids = p.ids();
      w.count(ids.size());
      for (String id : ids) {
        w.string(id);
      }
      w.moment(p.locatedAt());
    }
  }

  private static void writeShopper(ByteWriter w, Shopper s) {
    w.bool(s != null);
    if (s == null) {
      return;
    }
    List<String> viewed = s.viewed();
    long[] times = s.viewTimes();
    w.heap(3 * LIST_HEAP + MAP_HEAP);
    w.count(viewed.size());
    for (int i = 0; i < times.length; i++) {
      w.heap(RECORD_HEAP / 2 + 8);
      w.string(viewed.get(i));
      w.zigzag(times[i]);
    }
    Map<String, Long> cart = s.cartInOrder();
    w.count(cart.size());
    for (Map.Entry<String, Long> c : cart.entrySet()) {
      w.heap(ENTRY_HEAP + BOXED_HEAP);
      w.string(c.getKey());
      w.zigzag(c.getValue());
    }
    List<String> purchased = s.purchased();
    w.count(purchased.size());
    for (String p : purchased) {
      w.heap(8);
      w.string(p);
    }
  }

  private static void writeConsent(ByteWriter w, Consent c) {
    w.bool(c != null);
    if (c == null) {
      return;
    }
    Map<String, Consent.Entry> scopes = c.scopes();
    w.heap(2 * MAP_HEAP + (long) (ENTRY_HEAP + RECORD_HEAP) * scopes.size());
    w.count(scopes.size());
    for (Map.Entry<String, Consent.Entry> s : scopes.entrySet()) {
      w.string(s.getKey());
      w.bool(s.getValue().subscribed());
      w.zigzag(s.getValue().time());
      w.nullableString(s.getValue().source());
    }
    Map<String, Consent.Bounce> bounces = c.bounces();
    w.count(bounces.size());
    for (Map.Entry<String, Consent.Bounce> b : bounces.entrySet()) {
      w.heap(ENTRY_HEAP + RECORD_HEAP);
      w.string(b.getKey());
      w.nullableString(b.getValue().address());
      w.zigzag(b.getValue().time());
      w.nullableString(b.getValue().source());
    }
  }

  private static void writeSendLog(ByteWriter w, SendLog log) {
    w.bool(log != null);
    if (log != null) {
      w.heap(RECORD_HEAP + 12L * log.size());
      w.count(log.size());
      for (int i = 0; i < log.size(); i++) {
        w.zigzag(log.time(i));
        w.nullableString(log.channel(i));
      }
    }
  }

  /**
   * Version 3: the count, then the messages as one length-prefixed run of bytes, which a decoded
   * state keeps as it is until the engine reads a message ({@link ProfileState#deferredHeld}).
   * Messages deferred since the state was decoded are encoded after the held ones, and the state
   * then holds the whole run as bytes instead: what it keeps in memory is what the estimate counts.
   */
  private static void writeDeferred(ByteWriter w, ProfileState state) {
    List<PendingMessage> decoded = state.deferred;
    byte[] held = state.deferredHeld;
    if (decoded == null && held == null) {
      w.nullableCount(0, true);
      return;
    }
    int n = state.deferredCount();
    if (decoded != null && !decoded.isEmpty()) {
      ByteWriter more = new ByteWriter(256 * decoded.size());
      for (PendingMessage p : decoded) {
        writePending(more, p);
      }
      byte[] tail = more.toByteArray();
      if (held == null) {
        held = tail;
      } else {
        byte[] joined = Arrays.copyOf(held, held.length + tail.length);
        System.arraycopy(tail, 0, joined, held.length, tail.length);
        held = joined;
      }
      state.deferredHeld = held;
      state.deferredHeldCount = n;
      state.deferred = null;
    } else if (held == null) {
      held = new byte[0]; // an empty list: kept apart from none
    }
    w.nullableCount(n, false);
    w.heap(RECORD_HEAP);
    w.bytes(held);
  }

  /**
   * The messages {@link #writeDeferred} held as bytes, decoded, followed by {@code after} (those
   * deferred since); a new list.
   */
  static List<PendingMessage> readHeld(byte[] held, int count, List<PendingMessage> after) {
    List<PendingMessage> all =
        new ArrayList<>(Math.max(2, count + (after == null ? 0 : after.size())));
    ByteReader r = new ByteReader(held, 0, held.length, FORMAT_VERSION);
    for (int i = 0; i < count; i++) {
      all.add(readPending(r));
    }
    if (r.remaining() != 0) {
      throw ByteReader.corrupt(r.remaining() + " bytes after the deferred messages");
    }
    if (after != null) {
      all.addAll(after);
    }
    return all;
  }

  private static void writePending(ByteWriter w, PendingMessage p) {
    w.string(p.journey);
    w.nullableString(p.version);
    w.nullableString(p.step);
    w.zigzag(p.instance);
    w.nullableString(p.template);
    writeMap(w, p.data, 0);
    Message m = p.message;
    w.string(m.id());
    w.string(m.channel());
    w.u8(m.category().ordinal());
    w.nullableString(m.topic());
    w.zigzag(m.createdAt());
    w.zigzag(m.expiresAt());
    w.nullableString(m.expireAfter());
    w.zigzag(p.firstDeferredAt);
    w.zigzag(p.due);
    // Version 2: the event the message was decided on (its template may use it).
    w.nullableCount(p.event == null ? 0 : 1, p.event == null);
    if (p.event != null) {
      writeMap(w, p.event, 0);
    }
  }

  /** Only the segments with a next change; the rest are Long.MAX_VALUE (none). */
  private static void writeSegmentNext(ByteWriter w, long[] next, SegmentSet segments) {
    int[] timeAware = segments.timeAware();
    int n = next == null ? 0 : Math.min(next.length, timeAware.length);
    int used = 0;
    for (int k = 0; k < n; k++) {
      if (next[k] != Long.MAX_VALUE) {
        used++;
      }
    }
    w.nullableCount(used, next == null);
    for (int k = 0; k < n; k++) {
      if (next[k] != Long.MAX_VALUE) {
        w.string(segments.get(timeAware[k]).id());
        w.zigzag(next[k]);
      }
    }
  }

  // ---- values --------------------------------------------------------------------------------

  private static final int NULL = 0;
  private static final int FALSE = 1;
  private static final int TRUE = 2;
  private static final int STRING = 3;
  private static final int LONG = 4;
  private static final int INT = 5;
  private static final int DOUBLE = 6;
  private static final int FLOAT = 7;
  private static final int SHORT = 8;
  private static final int BYTE = 9;
  private static final int BIG_INTEGER = 10;
  private static final int BIG_DECIMAL = 11;
  private static final int INSTANT = 12;
  private static final int DURATION = 13;
  private static final int BYTES = 14;
  private static final int LIST = 15;
  private static final int MAP = 16;

  /** A value with its type: traits, event properties, message data, derived event properties. */
  private static void writeValue(ByteWriter w, Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("a value is nested deeper than " + MAX_DEPTH);
    }
    if (v == null) {
      w.u8(NULL);
    } else if (v instanceof String s) {
      w.u8(STRING);
      w.string(s);
    } else if (v instanceof Boolean b) {
      w.u8(b ? TRUE : FALSE);
    } else if (v instanceof Long l) {
      w.heap(BOXED_HEAP);
      w.u8(LONG);
      w.zigzag(l);
    } else if (v instanceof Double d) {
      w.heap(BOXED_HEAP);
      w.u8(DOUBLE);
      w.f64(d);
    } else if (v instanceof Integer i) {
      w.heap(BOXED_HEAP);
      w.u8(INT);
      w.zigzag(i);
    } else if (v instanceof Map<?, ?> m) {
      w.heap(MAP_HEAP + (long) ENTRY_HEAP * m.size());
      w.u8(MAP);
      w.count(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        writeValue(w, e.getKey(), depth + 1);
        writeValue(w, e.getValue(), depth + 1);
      }
    } else if (v instanceof List<?> l) {
      w.heap(LIST_HEAP + 8L * l.size());
      w.u8(LIST);
      w.count(l.size());
      for (Object x : l) {
        writeValue(w, x, depth + 1);
      }
    } else if (v instanceof BigDecimal d) {
      w.u8(BIG_DECIMAL);
      w.bytes(d.unscaledValue().toByteArray());
      w.zigzag(d.scale());
    } else if (v instanceof BigInteger b) {
      w.u8(BIG_INTEGER);
      w.bytes(b.toByteArray());
    } else if (v instanceof Instant t) {
      w.u8(INSTANT);
      w.zigzag(t.getEpochSecond());
      w.varint(t.getNano());
    } else if (v instanceof Duration d) {
      w.u8(DURATION);
      w.zigzag(d.getSeconds());
      w.varint(d.getNano());
    } else if (v instanceof Float f) {
      w.u8(FLOAT);
      w.f32(f);
    } else if (v instanceof Short s) {
      w.u8(SHORT);
      w.zigzag(s);
    } else if (v instanceof Byte b) {
      w.u8(BYTE);
      w.zigzag(b);
    } else if (v instanceof byte[] b) {
      w.u8(BYTES);
      w.bytes(b);
    } else {
      throw new IllegalArgumentException(
          "cannot encode a value of type " + v.getClass().getName() + ": " + v);
    }
  }

  /** A map with string keys (event objects, message data): the keys without a type tag. */
  private static void writeMap(ByteWriter w, Map<String, Object> m, int depth) {
    w.heap(MAP_HEAP + (long) ENTRY_HEAP * m.size());
    w.count(m.size());
    for (Map.Entry<String, Object> e : m.entrySet()) {
      w.string(e.getKey());
      writeValue(w, e.getValue(), depth + 1);
    }
  }

  // ---- decoding --------------------------------------------------------------------------------

  /**
   * The state the bytes hold, read against the engine's current journeys and definitions.
   *
   * <p>What no longer fits those definitions is dropped, never an error, since a deployment may
   * remove things at any time: an instance whose journey version {@link Journeys#version} does not
   * know (in flight or watching its conversion window) is dropped, and its timers find nothing when
   * they fire; entry history and timers kept for a journey id the engine's {@link JourneySet} has
   * no slot for are dropped (if the journey comes back, {@code entry: once} starts afresh); scores,
   * daily caps, and next segment changes under names the definitions no longer have are dropped; a
   * lifecycle stage that is gone becomes the first stage. Segment ids the profile is in and
   * deferred messages are kept as they are, as the engine itself keeps them.
   *
   * @throws IllegalArgumentException when the bytes are not a state of a known format version, are
   *     truncated, fail their checksum or are otherwise corrupt
   */
  public static ProfileState decode(byte[] bytes, Journeys journeys) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("corrupt profile state: no bytes");
    }
    int version = bytes[0] & 0xFF;
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unknown profile state format version "
              + version
              + "; this build reads versions 1 to "
              + FORMAT_VERSION);
    }
    if (bytes.length < 5) {
      throw ByteReader.corrupt("only " + bytes.length + " bytes");
    }
    int body = bytes.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, body);
    int stored =
        (bytes[body] & 0xFF)
            | (bytes[body + 1] & 0xFF) << 8
            | (bytes[body + 2] & 0xFF) << 16
            | (bytes[body + 3] & 0xFF) << 24;
    if ((int) crc.getValue() != stored) {
      throw ByteReader.corrupt("checksum mismatch (damaged or truncated)");
    }
    return read(new ByteReader(bytes, 1, body, version), journeys);
  }

  /** The body after the version byte, checksum already checked; package-private for tests. */
  static ProfileState read(ByteReader r, Journeys journeys) {
    Engine engine = journeys.engine();
    JourneySet set = engine.journeys();
    ProfileState state = new ProfileState(readProfile(r));
    state.nextSeq = r.int32();
    int n = r.count();
    for (int i = 0; i < n; i++) {
      Instance in = readInstance(r, journeys, set, true);
      if (in != null) {
        state.add(in);
      }
    }
    n = r.nullableCount();
    if (n >= 0) {
      state.watching = new ArrayList<>(Math.max(2, n));
      for (int i = 0; i < n; i++) {
        Instance in = readInstance(r, journeys, set, false);
        if (in != null) {
          state.watching.add(in);
        }
      }
      if (state.watching.isEmpty() && n > 0) {
        state.watching = null; // all dropped: the engine never keeps an empty list
      }
    }
    readSlots(r, state, set);
    state.datesArmedFor = r.int32();
    state.leads = readLeads(r, engine);
    state.presence = readPresence(r);
    state.shopper = readShopper(r);
    state.consent = readConsent(r);
    state.sendLog = readSendLog(r);
    readDeferred(r, state);
    n = r.nullableCount();
    if (n == 0) {
      state.segments = Membership.NOT_IN_ANY;
    } else if (n > 0) {
      state.segments = new LinkedHashSet<>();
      for (int i = 0; i < n; i++) {
        state.segments.add(r.string());
      }
    }
    state.segmentsDue = r.zigzag();
    state.segmentNext = readSegmentNext(r, engine.segments());
    if (r.remaining() != 0) {
      throw ByteReader.corrupt(r.remaining() + " bytes after the end");
    }
    return state;
  }

  private static Profile readProfile(ByteReader r) {
    Profile p = new Profile(r.string());
    p.setUserId(r.nullableString());
    int n = r.count();
    for (int i = 0; i < n; i++) {
      p.addAnonymousId(r.string());
    }
    n = r.count();
    for (int i = 0; i < n; i++) {
      String key = r.string();
      p.setTrait(key, readValue(r, 0));
    }
    n = r.count();
    for (int i = 0; i < n; i++) {
      p.addTag(r.string());
    }
    String timezone = r.nullableString();
    if (timezone != null) {
      p.setTimezone(timezone); // a zone this JVM does not know stays unknown, as on an event
    }
    p.setLocale(r.nullableString());
    p.restoreSeen(r.moment(), r.moment());
    n = r.count();
    for (int i = 0; i < n; i++) {
      String name = r.string();
      long count = r.varint();
      if (count < 0 || count > Integer.MAX_VALUE) {
        throw ByteReader.corrupt("event count " + count);
      }
      p.restoreCount(name, (int) count, r.zigzag());
    }
    n = r.count();
    for (int i = 0; i < n; i++) {
      String name = r.string();
      long[] times = new long[r.count()];
      for (int k = 0; k < times.length; k++) {
        if (k == 0) {
          times[0] = r.zigzag();
        } else {
          long step = r.varint();
          long t = times[k - 1] + step;
          if (step < 0 || t < times[k - 1]) {
            throw ByteReader.corrupt("event times out of order");
          }
          times[k] = t;
        }
      }
      p.restoreTimes(name, times);
    }
    return p;
  }

  /**
   * An instance, or null when its journey version is gone (it is dropped).
   *
   * @param active whether it is in flight (waiting) rather than finished and watching
   */
  private static Instance readInstance(
      ByteReader r, Journeys journeys, JourneySet set, boolean active) {
    String id = r.string();
    String version = r.string();
    int seq = r.int32();
    long enteredAt = r.zigzag();
    Event trigger = r.bool() ? readEvent(r) : null;
    InstanceState state = STATES[r.index(STATES.length, "instance state")];
    long step = r.varint();
    long timerDue = r.zigzag();
    int token = r.int32();
    int flags = r.u8();
    if (flags > 3) {
      throw ByteReader.corrupt("instance flags " + flags);
    }
    String arm = r.nullableString();
    Journey j = journeys.version(id, version);
    if (j == null) {
      return null;
    }
    // What the engine would trip over later is refused now: a waiting instance is on a wait step
    // (wait_for when it waits for an event), a finished one still watches a conversion goal.
    if (active) {
      if (step < 0 || step >= j.endIndex()) {
        throw ByteReader.corrupt("instance of " + id + " at step " + step);
      }
      Step at = j.steps().get((int) step);
      boolean fits =
          state == InstanceState.WAITING
              ? at instanceof Step.Wait
              : state == InstanceState.WAITING_FOR_EVENT && at instanceof Step.WaitFor;
      if (!fits) {
        throw ByteReader.corrupt("instance of " + id + " " + state + " at step " + step);
      }
    } else if (!state.isFinal() || step < 0 || step > j.endIndex() || j.conversion() == null) {
      throw ByteReader.corrupt("finished instance of " + id + " " + state + " at step " + step);
    }
    // The slot comes from the engine's set, not the bytes: slots are per JourneySet. A journey
    // id the set has no slot for (removed) gets -1, which no current journey's slot equals.
    Instance in = new Instance(j, set.slotOf(id), seq, enteredAt, trigger);
    in.restore(state);
    in.step = (int) step;
    in.timerDue = timerDue;
    in.timerToken = token;
    in.converted = (flags & 1) != 0;
    in.holdout = (flags & 2) != 0;
    in.arm = arm;
    return in;
  }

  private static Event readEvent(ByteReader r) {
    EventType type = TYPES[r.index(TYPES.length, "event type")];
    String messageId = r.nullableString();
    String userId = r.nullableString();
    String anonymousId = r.nullableString();
    long timestamp = r.zigzag();
    String name = r.string();
    JsonObject properties = readJson(r);
    JsonObject traits = readJson(r);
    EventContext context = EventContext.EMPTY;
    if (r.bool()) {
      String timezone = r.nullableString();
      String locale = r.nullableString();
      Location location = null;
      if (r.bool()) {
        double lat = r.f64();
        double lon = r.f64();
        if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
          throw ByteReader.corrupt("location " + lat + ", " + lon);
        }
        location = new Location(lat, lon);
      }
      String ip = r.nullableString();
      context = new EventContext(timezone, locale, location, ip, readJson(r));
    }
    String previousId = r.nullableString();
    String groupId = r.nullableString();
    if (userId == null && anonymousId == null) {
      throw ByteReader.corrupt("an event without userId and anonymousId");
    }
    return new Event(
        type,
        messageId,
        userId,
        anonymousId,
        timestamp,
        name,
        properties,
        traits,
        context,
        previousId,
        groupId);
  }

  private static JsonObject readJson(ByteReader r) {
    int tag = r.u8();
    switch (tag) {
      case JSON_EMPTY:
        return JsonObject.EMPTY;
      case JSON_TEXT:
        {
          int n = r.count();
          int at = r.skip(n);
          try {
            return JsonObject.ofCheckedBytes(r.buffer(), at, n);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("corrupt profile state: " + e.getMessage(), e);
          }
        }
      case JSON_MAP:
        return JsonObject.of(readMap(r, 0));
      default:
        throw ByteReader.corrupt("JSON object tag " + tag);
    }
  }

  private static void readSlots(ByteReader r, ProfileState state, JourneySet set) {
    int n = r.count();
    for (int i = 0; i < n; i++) {
      String id = r.string();
      int flags = r.u8();
      if (flags == 0 || flags > 15) {
        throw ByteReader.corrupt("slot flags " + flags);
      }
      long lastEntry = (flags & 1) != 0 ? r.zigzag() : Long.MIN_VALUE;
      long inactivityDue = (flags & 2) != 0 ? r.zigzag() : 0;
      long dateDue = (flags & 4) != 0 ? r.zigzag() : 0;
      long dateFired = (flags & 8) != 0 ? r.zigzag() : Long.MIN_VALUE;
      int slot = set.slotOf(id);
      if (slot < 0) {
        continue; // the journey is gone from this set: nothing indexes its history any more
      }
      if (lastEntry != Long.MIN_VALUE) {
        state.setLastEntry(slot, lastEntry);
      }
      if (inactivityDue != 0) {
        state.setInactivityDue(slot, inactivityDue);
      }
      if (dateDue != 0) {
        state.setDateDue(slot, dateDue);
      }
      if (dateFired != Long.MIN_VALUE) {
        state.setDateFired(slot, dateFired);
      }
    }
  }

  private static LeadState readLeads(ByteReader r, Engine engine) {
    if (!r.bool()) {
      return null;
    }
    LeadState ls = new LeadState();
    List<ScoreDefinition> defs = engine.definitions().scores();
    if (r.bool()) {
      ls.scores = new LeadState.Score[defs.size()];
      int n = r.count();
      for (int i = 0; i < n; i++) {
        String name = r.string();
        int index = -1;
        for (int k = 0; k < defs.size(); k++) {
          if (defs.get(k).name().equals(name)) {
            index = k;
          }
        }
        LeadState.Score s = readScore(r, index < 0 ? null : defs.get(index));
        if (index >= 0) {
          ls.scores[index] = s;
        }
      }
    }
    String stage = r.nullableString();
    ls.stage = stage == null ? 0 : Math.max(0, engine.definitions().lifecycle().indexOf(stage));
    ls.pool = r.nullableString();
    ls.owner = r.nullableString();
    int n = r.nullableCount();
    if (n >= 0) {
      ls.pending = new ArrayList<>(Math.max(2, n));
      for (int i = 0; i < n; i++) {
        String name = r.string();
        ls.pending.add(new LeadState.Pending(name, readMap(r, 0)));
      }
    }
    return ls;
  }

  /** A score; {@code def} null when the score is gone (it is read and thrown away). */
  private static LeadState.Score readScore(ByteReader r, ScoreDefinition def) {
    LeadState.Score s = new LeadState.Score();
    s.value = r.f64();
    s.asOf = r.zigzag();
    s.band = r.int32();
    int n = r.nullableCount();
    if (n >= 0) {
      s.awards = new ArrayList<>(Math.max(4, n));
      for (int i = 0; i < n; i++) {
        s.awards.add(new LeadState.Award(r.zigzag(), r.zigzag(), r.f64(), r.nullableString()));
      }
    }
    s.timerDue = r.zigzag();
    s.token = r.int32();
    if (r.bool()) {
      List<ScoreRule> rules = def == null ? List.of() : def.rules();
      s.capDay = new long[rules.size()];
      s.capPoints = new double[rules.size()];
      Arrays.fill(s.capDay, Long.MIN_VALUE);
      int caps = r.count();
      for (int i = 0; i < caps; i++) {
        String rule = r.string();
        long day = r.moment();
        double points = r.f64();
        for (int k = 0; k < rules.size(); k++) {
          if (rules.get(k).id().equals(rule)) {
            s.capDay[k] = day;
            s.capPoints[k] = points;
          }
        }
      }
    }
    return s;
  }

  private static Presence readPresence(ByteReader r) {
    if (!r.bool()) {
      return null;
    }
    int n = r.count();
    List<String> inside = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      inside.add(r.string());
    }
    return Presence.restore(inside, r.moment());
  }

  private static Shopper readShopper(ByteReader r) {
    if (!r.bool()) {
      return null;
    }
    int n = r.count();
    List<String> viewed = new ArrayList<>(n);
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      viewed.add(r.string());
      times[i] = r.zigzag();
    }
    n = r.count();
    Map<String, Long> cart = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      cart.put(r.string(), r.zigzag());
    }
    n = r.count();
    List<String> purchased = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      purchased.add(r.string());
    }
    return Shopper.restore(viewed, times, cart, purchased);
  }

  private static Consent readConsent(ByteReader r) {
    if (!r.bool()) {
      return null;
    }
    Consent c = new Consent();
    int n = r.count();
    for (int i = 0; i < n; i++) {
      String key = r.string();
      boolean subscribed = r.bool();
      c.restoreScope(key, new Consent.Entry(subscribed, r.zigzag(), r.nullableString()));
    }
    n = r.count();
    for (int i = 0; i < n; i++) {
      String channel = r.string();
      String address = r.nullableString();
      long time = r.zigzag();
      c.bounce(channel, address, time, r.nullableString());
    }
    return c;
  }

  private static SendLog readSendLog(ByteReader r) {
    if (!r.bool()) {
      return null;
    }
    SendLog log = new SendLog();
    int n = r.count();
    if (n > SendLog.LIMIT) {
      throw ByteReader.corrupt("a send log of " + n);
    }
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long time = r.zigzag();
      if (time < previous) {
        throw ByteReader.corrupt("send log out of order");
      }
      previous = time;
      log.add(time, r.nullableString());
    }
    return log;
  }

  private static void readDeferred(ByteReader r, ProfileState state) {
    int n = r.nullableCount();
    if (n < 0) {
      return;
    }
    if (r.formatVersion() >= 3) {
      byte[] held = r.bytes();
      if (n == 0) {
        if (held.length != 0) {
          throw ByteReader.corrupt(held.length + " bytes for no deferred messages");
        }
        state.deferred = new ArrayList<>(2);
      } else {
        state.deferredHeld = held;
        state.deferredHeldCount = n;
      }
      return;
    }
    List<PendingMessage> deferred = new ArrayList<>(Math.max(2, n));
    for (int i = 0; i < n; i++) {
      deferred.add(readPending(r));
    }
    state.deferred = deferred;
  }

  private static PendingMessage readPending(ByteReader r) {
    String journey = r.string();
    String version = r.nullableString();
    String step = r.nullableString();
    int instance = r.int32();
    String template = r.nullableString();
    Map<String, Object> data = readMap(r, 0);
    String id = r.string();
    String channel = r.string();
    Category category = CATEGORIES[r.index(CATEGORIES.length, "category")];
    Message m =
        new Message(
            id, channel, category, r.nullableString(), r.zigzag(), r.zigzag(), r.nullableString());
    return new PendingMessage(
        journey,
        version,
        step,
        instance,
        template,
        data.isEmpty() ? Map.of() : data,
        m,
        r.zigzag(),
        r.zigzag(),
        r.formatVersion() >= 2 && r.nullableCount() >= 0 ? readMap(r, 0) : null);
  }

  private static long[] readSegmentNext(ByteReader r, SegmentSet segments) {
    int n = r.nullableCount();
    if (n < 0) {
      return null;
    }
    long[] next = new long[segments.timeAware().length];
    Arrays.fill(next, Long.MAX_VALUE);
    for (int i = 0; i < n; i++) {
      String id = r.string();
      long due = r.zigzag();
      int index = segments.indexOf(id);
      int ordinal = index < 0 ? -1 : segments.timeAwareOrdinal(index);
      if (ordinal >= 0) {
        next[ordinal] = due;
      }
    }
    return next;
  }

  private static Object readValue(ByteReader r, int depth) {
    if (depth > MAX_DEPTH) {
      throw ByteReader.corrupt("values nested deeper than " + MAX_DEPTH);
    }
    int tag = r.u8();
    switch (tag) {
      case NULL:
        return null;
      case FALSE:
        return Boolean.FALSE;
      case TRUE:
        return Boolean.TRUE;
      case STRING:
        return r.string();
      case LONG:
        return r.zigzag();
      case INT:
        return r.int32();
      case DOUBLE:
        return r.f64();
      case FLOAT:
        return r.f32();
      case SHORT:
        {
          int v = r.int32();
          if (v != (short) v) {
            throw ByteReader.corrupt("short " + v);
          }
          return (short) v;
        }
      case BYTE:
        {
          int v = r.int32();
          if (v != (byte) v) {
            throw ByteReader.corrupt("byte " + v);
          }
          return (byte) v;
        }
      case BIG_INTEGER:
        return bigInteger(r);
      case BIG_DECIMAL:
        {
          BigInteger unscaled = bigInteger(r);
          return new BigDecimal(unscaled, r.int32());
        }
      case INSTANT:
        {
          long seconds = r.zigzag();
          long nanos = r.varint();
          if (seconds < Instant.MIN.getEpochSecond()
              || seconds > Instant.MAX.getEpochSecond()
              || nanos < 0
              || nanos > 999_999_999) {
            throw ByteReader.corrupt("instant " + seconds + "s " + nanos + "ns");
          }
          return Instant.ofEpochSecond(seconds, nanos);
        }
      case DURATION:
        {
          long seconds = r.zigzag();
          long nanos = r.varint();
          if (nanos < 0 || nanos > 999_999_999) {
            throw ByteReader.corrupt("duration " + seconds + "s " + nanos + "ns");
          }
          return Duration.ofSeconds(seconds, nanos);
        }
      case BYTES:
        return r.bytes();
      case LIST:
        {
          int n = r.count();
          List<Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            list.add(readValue(r, depth + 1));
          }
          return Collections.unmodifiableList(list);
        }
      case MAP:
        {
          int n = r.count();
          Map<Object, Object> map = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            Object key = readValue(r, depth + 1);
            map.put(key, readValue(r, depth + 1));
          }
          return Collections.unmodifiableMap(map);
        }
      default:
        throw ByteReader.corrupt("value tag " + tag);
    }
  }

  private static BigInteger bigInteger(ByteReader r) {
    byte[] b = r.bytes();
    if (b.length == 0) {
      throw ByteReader.corrupt("an empty big number");
    }
    return new BigInteger(b);
  }

  private static Map<String, Object> readMap(ByteReader r, int depth) {
    int n = r.count();
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = r.string();
      map.put(key, readValue(r, depth + 1));
    }
    return Collections.unmodifiableMap(map);
  }
}
