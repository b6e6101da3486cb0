package io.kairos.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.kairos.event.EventParser.Result;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.UUID;

/**
 * Reads one message in a single streaming pass: scalars are picked as they pass, and {@code
 * properties}, {@code traits} and {@code context} are only located, never built, so the engine pays
 * for decoding them only when a condition reads them. One instance per message.
 */
final class JacksonMessageReader {

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

  private final byte[] buf;
  private final int base;
  private final StringCache strings;
  private final InstantSource defaultTimestamp;
  private JsonParser p;

  private String field = JSON;
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
  private JacksonContextReader context;
  private Slice contextSlice;
  private PageProperties page;
  private long[] fallbackMillis;
  private String[] fallbackErrors;

  JacksonMessageReader(
      byte[] buf, int offset, StringCache strings, InstantSource defaultTimestamp) {
    this.buf = buf;
    this.base = offset;
    this.strings = strings;
    this.defaultTimestamp = defaultTimestamp;
  }

  /** Reads the message from {@code p}, which must be over {@code buf} from this offset. */
  Result read(JsonParser parser, int maxDepth) {
    this.p = parser;
    try {
      return new Result.Parsed(readMessage());
    } catch (Rejection r) {
      return new Result.Invalid(r.field, r.reason);
    } catch (StreamConstraintsException e) {
      return new Result.Invalid(field, JsonErrors.limit(e, maxDepth));
    } catch (JsonProcessingException e) {
      return new Result.Invalid(JSON, JsonErrors.syntax(e));
    } catch (IOException e) {
      // Not expected from an in-memory source; still bad input, not a reason to throw.
      return new Result.Invalid(JSON, String.valueOf(e.getMessage()));
    }
  }

  private Event readMessage() throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new Rejection(JSON, "empty message");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new Rejection(JSON, "must be a JSON object, not " + describe(first));
    }
    int rootStart = tokenStart();
    String name;
    while ((name = p.nextFieldName()) != null) {
      field = name;
      readField(name, p.nextToken());
    }
    field = JSON;
    int rootEnd = consumedEnd();
    expectEnd();
    return build(rootStart, rootEnd);
  }

  private void readField(String name, JsonToken t) throws IOException {
    switch (name) {
      case "type" -> {
        once(TYPE);
        type = type(t);
      }
      case "messageId" -> {
        once(MESSAGE_ID);
        messageId = messageId(t);
      }
      case "userId" -> {
        once(USER_ID);
        userId = id(t);
      }
      case "anonymousId" -> {
        once(ANONYMOUS_ID);
        anonymousId = id(t);
      }
      case "timestamp" -> {
        once(TIMESTAMP);
        timestamp(t);
      }
      case "originalTimestamp" -> {
        once(ORIGINAL_TIMESTAMP);
        fallback(0, t);
      }
      case "sentAt" -> {
        once(SENT_AT);
        fallback(1, t);
      }
      case "receivedAt" -> {
        once(RECEIVED_AT);
        fallback(2, t);
      }
      case "event" -> {
        once(EVENT);
        event = eventName(t);
      }
      case "name" -> {
        once(NAME);
        pageValue(PageProperties.NAME, t);
      }
      case "category" -> {
        once(CATEGORY);
        pageValue(PageProperties.CATEGORY, t);
      }
      case "properties" -> {
        once(PROPERTIES);
        properties = object(t, name);
      }
      case "traits" -> {
        once(TRAITS);
        traits = object(t, name);
      }
      case "context" -> {
        once(CONTEXT);
        context(t);
      }
      case "previousId" -> {
        once(PREVIOUS_ID);
        previousId = id(t);
      }
      case "groupId" -> {
        once(GROUP_ID);
        groupId = id(t);
      }
      default -> skip(t);
    }
  }

  private void once(int bit) {
    if ((seen & bit) != 0) {
      throw new Rejection(field, "duplicate field");
    }
    seen |= bit;
  }

  private EventType type(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Rejection(field, "must be a string");
    }
    // Compared in place: the type is needed only as an enum, never as a String.
    char[] chars = p.getTextCharacters();
    int offset = p.getTextOffset();
    int length = p.getTextLength();
    for (EventType candidate : TYPES) {
      if (StringCache.sameChars(candidate.wireName(), chars, offset, length)) {
        return candidate;
      }
    }
    throw new Rejection(
        field,
        "unknown "
            + quote(p.getText())
            + " (expected track, identify, page, screen, group, alias)");
  }

  private String messageId(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Rejection(field, "must be a string");
    }
    String id = p.getText();
    return id.isEmpty() ? null : id;
  }

  // Segment's libraries turn numeric ids into strings; an empty string identifies nobody.
  private String id(JsonToken t) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_STRING:
        String s = p.getText();
        return s.isEmpty() ? null : s;
      case VALUE_NUMBER_INT:
        return p.getText();
      case VALUE_NUMBER_FLOAT:
        double d = p.getDoubleValue();
        if (d == Math.rint(d) && Math.abs(d) <= (1L << 53)) {
          return Long.toString((long) d);
        }
        throw new Rejection(field, "must be a string or a whole number");
      default:
        throw new Rejection(field, "must be a string or a number");
    }
  }

  private void timestamp(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Rejection(field, "must be an ISO-8601 string");
    }
    try {
      timestamp = Timestamps.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    } catch (IllegalArgumentException e) {
      throw new Rejection(field, "not ISO-8601");
    }
    hasTimestamp = true;
  }

  // A fallback is only parsed while it may still be needed, and its error is only reported if it
  // is used: a message with a good timestamp is not refused for a bad sentAt.
  private void fallback(int index, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL || hasTimestamp) {
      // Fixed here as in the new reader: the old code returned without skipping an object or
      // array value, whose keys were then read as top-level fields.
      skip(t);
      return;
    }
    if (fallbackMillis == null) {
      fallbackMillis = new long[FALLBACKS.length];
      fallbackErrors = new String[FALLBACKS.length];
      Arrays.fill(fallbackMillis, Long.MIN_VALUE);
    }
    if (t != JsonToken.VALUE_STRING) {
      fallbackErrors[index] = "must be an ISO-8601 string";
      skip(t);
      return;
    }
    try {
      fallbackMillis[index] =
          Timestamps.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    } catch (IllegalArgumentException e) {
      fallbackErrors[index] = "not ISO-8601";
    }
  }

  private String eventName(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Rejection(field, "must be a string");
    }
    if (p.getTextLength() == 0) {
      throw new Rejection(field, "must not be empty");
    }
    return cachedText();
  }

  private void pageValue(int key, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Rejection(field, "must be a string");
    }
    int start = tokenStart();
    page().set(key, start, stringEnd());
  }

  private void context(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new Rejection(field, "must be an object");
    }
    context = new JacksonContextReader(this, p);
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

  /** The slice of the object value on token {@code t}; null for JSON null. */
  Slice object(JsonToken t, String name) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new Rejection(name, "must be an object");
    }
    int start = tokenStart();
    if (type != null && type != EventType.PAGE && type != EventType.SCREEN) {
      skip(t);
      return new Slice(start, consumedEnd(), 0);
    }
    // Page and screen properties are completed from other fields: note which keys are present.
    int keyBits = 0;
    String key;
    while ((key = p.nextFieldName()) != null) {
      keyBits |= PageProperties.bit(key);
      skip(p.nextToken());
    }
    return new Slice(start, consumedEnd(), keyBits);
  }

  /**
   * Skips the value that starts with token {@code t}, up to and including its end token. Faster
   * than {@link JsonParser#skipChildren()} because inside objects it moves with {@link
   * JsonParser#nextFieldName()}, which Jackson optimises, where skipChildren calls nextToken.
   * Recursion is bounded by the nesting limit, which Jackson enforces as the tokens are read.
   */
  void skip(JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT) {
      while (p.nextFieldName() != null) {
        skip(p.nextToken());
      }
    } else if (t == JsonToken.START_ARRAY) {
      JsonToken e;
      while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
        skip(e);
      }
    }
  }

  private void expectEnd() throws IOException {
    JsonToken extra;
    try {
      extra = p.nextToken();
    } catch (JsonProcessingException e) {
      throw new Rejection(
          JSON, "unexpected content after the object" + JsonErrors.at(e.getLocation()));
    }
    if (extra != null) {
      throw new Rejection(
          JSON, "unexpected content after the object" + JsonErrors.at(p.currentTokenLocation()));
    }
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

  /** The absolute index in {@code buf} where the current token starts. */
  int tokenStart() {
    return base + (int) p.currentTokenLocation().getByteOffset();
  }

  /** The absolute index in {@code buf} just after what the parser has consumed. */
  int consumedEnd() {
    return base + (int) p.currentLocation().getByteOffset();
  }

  /** The absolute index just after the closing quote of the current string token. */
  int stringEnd() throws IOException {
    p.getTextLength(); // strings are decoded lazily; this moves the parser past the closing quote
    return consumedEnd();
  }

  /** The current string token, through the cache of repeating strings. */
  String cachedText() throws IOException {
    return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
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

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString();
    };
  }
}
