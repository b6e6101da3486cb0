package io.kairos.event;

import static io.kairos.event.JsonCursor.ARRAY;
import static io.kairos.event.JsonCursor.FLOAT;
import static io.kairos.event.JsonCursor.INT;
import static io.kairos.event.JsonCursor.NULL;
import static io.kairos.event.JsonCursor.OBJECT;
import static io.kairos.event.JsonCursor.STRING;

import io.kairos.event.EventParser.Result;
import io.kairos.time.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.UUID;

/**
 * Reads one message in a single pass over its bytes ({@link JsonCursor}): scalars are picked as
 * they pass, and {@code properties}, {@code traits} and {@code context} are only validated and
 * located, never decoded, so the engine pays for decoding them only when a condition reads them.
 * One instance per message.
 */
final class MessageReader {

  private static final String JSON = Result.Invalid.JSON;

  // One bit per known top-level field, to refuse a field given twice: with duplicates, two
  // systems reading the same message could disagree about who it is for.
  private static final int TYPE = 1;
  private static final int MESSAGE_ID = 1 << 1;
  private static final int USER_ID = 1 << 2;
  private static final int ANONYMOUS_ID = 1 << 3;
  private static final int TIMESTAMP = 1 << 4;
  private static final int ORIGINAL_TIMESTAMP = 1 << 5;
  private static final int SENT_AT = 1 << 6;
  private static final int RECEIVED_AT = 1 << 7;
  private static final int EVENT = 1 << 8;
  private static final int NAME = 1 << 9;
  private static final int CATEGORY = 1 << 10;
  private static final int PROPERTIES = 1 << 11;
  private static final int TRAITS = 1 << 12;
  private static final int CONTEXT = 1 << 13;
  private static final int PREVIOUS_ID = 1 << 14;
  private static final int GROUP_ID = 1 << 15;

  private static final EventType[] TYPES = EventType.values();

  // The fallbacks for a missing timestamp, in the order they are tried.
  private static final String[] FALLBACKS = {"originalTimestamp", "sentAt", "receivedAt"};

  // The known top-level names as bytes, indexed like the bits above, so keys are matched without
  // making Strings of them.
  private static final String[] NAMES = {
    "type",
    "messageId",
    "userId",
    "anonymousId",
    "timestamp",
    "originalTimestamp",
    "sentAt",
    "receivedAt",
    "event",
    "name",
    "category",
    "properties",
    "traits",
    "context",
    "previousId",
    "groupId"
  };

  private static final KeyTable KEYS = new KeyTable(NAMES);
  private static final byte[][] TYPE_BYTES = typeBytes();

  private final byte[] buf;
  private final int offset;
  private final int length;
  private final JsonCursor in;
  private final StringCache strings;
  private final InstantSource defaultTimestamp;
  private char[] chars;

  private int fieldIndex = -1;
  private int fieldStart;
  private int fieldEnd;
  private boolean fieldEscaped;
  private int seen;
  private EventType type;
  private String messageId;
  private String userId;
  private String anonymousId;
  private boolean hasTimestamp;
  private long timestamp;
  private String event;
  private String previousId;
  private String groupId;
  private Slice properties;
  private Slice traits;
  private ContextReader context;
  private Slice contextSlice;
  private PageProperties page;
  private long[] fallbackMillis;
  private String[] fallbackErrors;

  MessageReader(
      byte[] buf,
      int offset,
      int length,
      int maxDepth,
      StringCache strings,
      InstantSource defaultTimestamp) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    this.in = new JsonCursor(buf, offset, length, maxDepth);
    this.strings = strings;
    this.defaultTimestamp = defaultTimestamp;
  }

  /** Reads the message. */
  Result read() {
    try {
      return new Result.Parsed(readMessage());
    } catch (Rejection r) {
      // Invalid UTF-8 is reported before anything else, wherever it is: the scanner validates it
      // only inside strings, and only on the way to a valid message.
      int bad = Utf8.firstInvalid(buf, offset, length);
      if (bad >= 0) {
        String what = buf[offset + bad] == 0 ? "NUL byte" : "invalid UTF-8";
        return new Result.Invalid(JSON, what + JsonCursor.at(buf, offset, bad));
      }
      // A limit broken inside a value is reported under the top-level field it happened in.
      String f = r.field == JsonCursor.TOP_LEVEL_FIELD ? field() : r.field;
      return new Result.Invalid(f, r.reason);
    }
  }

  /** The name of the top-level field being read; JSON between fields. */
  private String field() {
    if (fieldIndex == -1) {
      return JSON;
    }
    return fieldIndex >= 0 ? NAMES[fieldIndex] : in.text(fieldStart, fieldEnd, fieldEscaped);
  }

  private Event readMessage() {
    int t = in.peek();
    if (t < 0) {
      throw new Rejection(JSON, "empty message");
    }
    t = in.next();
    if (t != OBJECT) {
      throw new Rejection(JSON, "must be a JSON object, not " + describe(t));
    }
    int rootStart = in.pos;
    in.enter();
    for (boolean first = true; in.nextKey(first); first = false) {
      fieldStart = in.keyStart;
      fieldEnd = in.keyEnd;
      fieldEscaped = in.keyEscaped;
      fieldIndex = known();
      readField(fieldIndex, in.next());
    }
    fieldIndex = -1;
    int rootEnd = in.pos;
    if (in.peek() >= 0) {
      throw in.error("unexpected content after the object", in.pos);
    }
    return build(rootStart, rootEnd);
  }

  // The index of the current key in NAMES, or -2 for a field Kairos does not know.
  private int known() {
    int i = KEYS.find(in);
    return i < 0 ? -2 : i;
  }

  private void readField(int index, int t) {
    if (index < 0) {
      in.skip(t);
      return;
    }
    once(1 << index);
    switch (1 << index) {
      case TYPE -> type = type(t);
      case MESSAGE_ID -> messageId = messageId(t);
      case USER_ID -> userId = id(t);
      case ANONYMOUS_ID -> anonymousId = id(t);
      case TIMESTAMP -> timestamp(t);
      case ORIGINAL_TIMESTAMP -> fallback(0, t);
      case SENT_AT -> fallback(1, t);
      case RECEIVED_AT -> fallback(2, t);
      case EVENT -> event = eventName(t);
      case NAME -> pageValue(PageProperties.NAME, t);
      case CATEGORY -> pageValue(PageProperties.CATEGORY, t);
      case PROPERTIES -> properties = object(t, "properties");
      case TRAITS -> traits = object(t, "traits");
      case CONTEXT -> context(t);
      case PREVIOUS_ID -> previousId = id(t);
      case GROUP_ID -> groupId = id(t);
      default -> throw new IllegalStateException("unknown field bit " + index);
    }
  }

  private void once(int bit) {
    if ((seen & bit) != 0) {
      throw new Rejection(field(), "duplicate field");
    }
    seen |= bit;
  }

  private EventType type(int t) {
    if (t == NULL) {
      return null;
    }
    if (t != STRING) {
      throw new Rejection(field(), "must be a string");
    }
    // Compared in place: the type is needed only as an enum, never as a String.
    int start = in.pos + 1;
    int close = in.string();
    if (!in.escaped) {
      for (int i = 0; i < TYPES.length; i++) {
        byte[] name = TYPE_BYTES[i];
        if (same(name, start, close)) {
          return TYPES[i];
        }
      }
    }
    String text = in.text(start, close, in.escaped);
    EventType found = EventType.fromWire(text);
    if (found != null) {
      return found;
    }
    throw new Rejection(
        field(),
        "unknown " + quote(text) + " (expected track, identify, page, screen, group, alias)");
  }

  private boolean same(byte[] name, int start, int close) {
    if (close - start != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (buf[start + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  private String messageId(int t) {
    if (t == NULL) {
      return null;
    }
    if (t != STRING) {
      throw new Rejection(field(), "must be a string");
    }
    String id = text();
    return id.isEmpty() ? null : id;
  }

  // Segment's libraries turn numeric ids into strings; an empty string identifies nobody.
  private String id(int t) {
    switch (t) {
      case NULL:
        return null;
      case STRING:
        String s = text();
        return s.isEmpty() ? null : s;
      case INT:
        return in.numberText();
      case FLOAT:
        double d = in.numberValue();
        if (d == Math.rint(d) && Math.abs(d) <= (1L << 53)) {
          return Long.toString((long) d);
        }
        throw new Rejection(field(), "must be a string or a whole number");
      default:
        throw new Rejection(field(), "must be a string or a number");
    }
  }

  private void timestamp(int t) {
    if (t == NULL) {
      return;
    }
    if (t != STRING) {
      throw new Rejection(field(), "must be an ISO-8601 string");
    }
    try {
      timestamp = millis();
    } catch (IllegalArgumentException e) {
      throw new Rejection(field(), "not ISO-8601");
    }
    hasTimestamp = true;
  }

  // A fallback is only parsed while it may still be needed, and its error is only reported if it
  // is used: a message with a good timestamp is not refused for a bad sentAt.
  private void fallback(int index, int t) {
    if (t == NULL) {
      return;
    }
    if (hasTimestamp) {
      in.skip(t);
      return;
    }
    if (fallbackMillis == null) {
      fallbackMillis = new long[FALLBACKS.length];
      fallbackErrors = new String[FALLBACKS.length];
      Arrays.fill(fallbackMillis, Long.MIN_VALUE);
    }
    if (t != STRING) {
      fallbackErrors[index] = "must be an ISO-8601 string";
      in.skip(t);
      return;
    }
    try {
      fallbackMillis[index] = millis();
    } catch (IllegalArgumentException e) {
      fallbackErrors[index] = "not ISO-8601";
    }
  }

  // The string at the cursor as epoch millis. ASCII is widened into a reused char buffer, so the
  // common timestamp costs no String.
  private long millis() {
    int start = in.pos + 1;
    int close = in.string();
    int n = close - start;
    if (!in.escaped) {
      char[] c = chars;
      if (c == null || c.length < n) {
        c = chars = new char[Math.max(n, 32)];
      }
      boolean ascii = true;
      for (int i = 0; i < n; i++) {
        byte b = buf[start + i];
        ascii &= b >= 0;
        c[i] = (char) b;
      }
      if (ascii) {
        return Timestamps.parse(c, 0, n);
      }
    }
    return Timestamps.parse(in.text(start, close, in.escaped));
  }

  private String eventName(int t) {
    if (t == NULL) {
      return null;
    }
    if (t != STRING) {
      throw new Rejection(field(), "must be a string");
    }
    int start = in.pos + 1;
    int close = in.string();
    if (close == start) {
      throw new Rejection(field(), "must not be empty");
    }
    return cached(start, close);
  }

  private void pageValue(int key, int t) {
    if (t == NULL) {
      return;
    }
    if (t != STRING) {
      throw new Rejection(field(), "must be a string");
    }
    int start = in.pos;
    in.string();
    page().set(key, start, in.pos);
  }

  private void context(int t) {
    if (t == NULL) {
      return;
    }
    if (t != OBJECT) {
      throw new Rejection(field(), "must be an object");
    }
    context = new ContextReader(this, in);
    // context.page only matters for page calls; when the type is already known not to be one,
    // the object is skipped instead of copied from.
    contextSlice = context.read(type == null || type == EventType.PAGE ? page() : null);
  }

  private PageProperties page() {
    if (page == null) {
      page = new PageProperties();
    }
    return page;
  }

  /** The slice of the object value of token {@code t}; null for JSON null. */
  Slice object(int t, String name) {
    if (t == NULL) {
      return null;
    }
    if (t != OBJECT) {
      throw new Rejection(name, "must be an object");
    }
    int start = in.pos;
    if (type != null && type != EventType.PAGE && type != EventType.SCREEN) {
      in.skip(t);
      return new Slice(start, in.pos, 0);
    }
    // Page and screen properties are completed from other fields: note which keys are present.
    int keyBits = 0;
    in.enter();
    for (boolean first = true; in.nextKey(first); first = false) {
      keyBits |= PageProperties.bit(in);
      in.skip(in.next());
    }
    return new Slice(start, in.pos, keyBits);
  }

  /** The string at the cursor, decoded and stepped over. */
  String text() {
    int start = in.pos + 1;
    int close = in.string();
    return in.text(start, close, in.escaped);
  }

  /** The string at the cursor through the cache of repeating strings. */
  String cachedText() {
    int start = in.pos + 1;
    return cached(start, in.string());
  }

  private String cached(int start, int close) {
    if (in.escaped) {
      return in.text(start, close, true);
    }
    return strings.get(buf, start, close - start);
  }

  private Event build(int rootStart, int rootEnd) {
    EventType t = type;
    if (t == null) {
      if (event == null) {
        throw new Rejection("type", "required (or an event name, for a track call)");
      }
      t = EventType.TRACK;
    }
    if (userId == null && anonymousId == null) {
      throw new Rejection("userId or anonymousId", "required");
    }
    String name =
        switch (t) {
          case TRACK -> {
            if (event == null) {
              throw new Rejection("event", "required for track");
            }
            yield event;
          }
          case PAGE -> Event.PAGE_VIEWED;
          case SCREEN -> Event.SCREEN_VIEWED;
          case IDENTIFY -> Event.IDENTIFY;
          case GROUP -> Event.GROUP;
          case ALIAS -> Event.ALIAS;
        };
    if (t == EventType.ALIAS && previousId == null) {
      throw new Rejection("previousId", "required for alias");
    }
    if (t == EventType.GROUP && groupId == null) {
      throw new Rejection("groupId", "required for group");
    }
    long millis = resolveTimestamp();
    String id = messageId != null ? messageId : derivedId(rootStart, rootEnd);
    return new Event(
        t,
        id,
        userId,
        anonymousId,
        millis,
        name,
        properties(t),
        traits(t),
        context(),
        t == EventType.ALIAS ? previousId : null,
        t == EventType.GROUP ? groupId : null);
  }

  private long resolveTimestamp() {
    if (hasTimestamp) {
      return timestamp;
    }
    if (fallbackMillis != null) {
      for (int i = 0; i < FALLBACKS.length; i++) {
        if (fallbackErrors[i] != null) {
          throw new Rejection(FALLBACKS[i], fallbackErrors[i]);
        }
        if (fallbackMillis[i] != Long.MIN_VALUE) {
          return fallbackMillis[i];
        }
      }
    }
    if (defaultTimestamp != null) {
      return defaultTimestamp.millis();
    }
    throw new Rejection("timestamp", "required");
  }

  // The same bytes always give the same id, so a replayed line is recognised as a duplicate. The
  // object is hashed from its '{' to its '}' so surrounding whitespace and line ends do not count.
  private String derivedId(int start, int end) {
    return UUID.nameUUIDFromBytes(Arrays.copyOfRange(buf, start, end)).toString();
  }

  private JsonObject properties(EventType t) {
    return switch (t) {
      case TRACK -> object(properties);
      case PAGE -> complete(PageProperties.PAGE_KEYS);
      case SCREEN -> complete(PageProperties.SCREEN_KEYS);
      default -> JsonObject.EMPTY;
    };
  }

  private JsonObject complete(int allowed) {
    if (page == null) {
      return object(properties);
    }
    Slice s = properties;
    return s == null
        ? page.complete(buf, -1, -1, 0, allowed)
        : page.complete(buf, s.start, s.end, s.keyBits, allowed);
  }

  private JsonObject traits(EventType t) {
    if (t == EventType.IDENTIFY || t == EventType.GROUP) {
      return object(traits);
    }
    return context == null ? JsonObject.EMPTY : object(context.traits);
  }

  private EventContext context() {
    if (context == null) {
      return EventContext.EMPTY;
    }
    return new EventContext(
        context.timezone, context.locale, context.location, context.ip, object(contextSlice));
  }

  private JsonObject object(Slice s) {
    return s == null ? JsonObject.EMPTY : object(buf, s.start, s.end);
  }

  /**
   * The object at {@code buf[start, end)}, copied; {@link JsonObject#EMPTY} when it has no field.
   */
  static JsonObject object(byte[] buf, int start, int end) {
    return start < 0 || isBlank(buf, start + 1, end - 1)
        ? JsonObject.EMPTY
        : JsonObject.ofBytes(buf, start, end - start);
  }

  /** Whether {@code buf[from, to)} is only JSON whitespace; usually decided by its first byte. */
  static boolean isBlank(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** A sender's value quoted for an error message, cut short so errors stay one line. */
  static String quote(String value) {
    int n = Math.min(value.length(), 40);
    if (n < value.length() && Character.isHighSurrogate(value.charAt(n - 1))) {
      n--; // never cut an emoji in half
    }
    StringBuilder s = new StringBuilder(n + 5).append('\'');
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        s.append(String.format("\\u%04x", (int) c)); // keeps every error on one line
      } else {
        s.append(c);
      }
    }
    return s.append(n < value.length() ? "...'" : "'").toString();
  }

  private static String describe(int t) {
    return switch (t) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case INT, FLOAT -> "a number";
      case NULL -> "null";
      default -> "a boolean";
    };
  }

  private static byte[][] ascii(String[] names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  private static byte[][] typeBytes() {
    String[] wire = new String[TYPES.length];
    for (int i = 0; i < wire.length; i++) {
      wire[i] = TYPES[i].wireName();
    }
    return ascii(wire);
  }
}
