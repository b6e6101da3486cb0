package io.kairos.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object that is parsed only when somebody reads it. Most events are matched on their name
 * alone, so their {@code properties} are never turned into maps; the bytes are kept instead.
 *
 * <p>Values are {@link String}, {@link Long} (integral numbers), {@link Double}, {@link Boolean},
 * {@code null}, {@link List} and {@link Map} — the shapes CEL and Liquid understand.
 */
public final class JsonObject {

  public static final JsonObject EMPTY = new JsonObject(Map.of());

  private static final JsonFactory FACTORY = new JsonFactory();

  private byte[] raw;
  private int offset;
  private int length;
  private volatile Map<String, Object> parsed;

  private JsonObject(Map<String, Object> parsed) {
    this.parsed = parsed;
  }

  private JsonObject(byte[] raw, int offset, int length) {
    this.raw = raw;
    this.offset = offset;
    this.length = length;
  }

  /** An object over an already-validated JSON object's bytes; they are copied. */
  public static JsonObject ofBytes(byte[] buffer, int offset, int length) {
    byte[] copy = new byte[length];
    System.arraycopy(buffer, offset, copy, 0, length);
    return new JsonObject(copy, 0, length);
  }

  /**
   * An object over bytes the caller hands over and never touches again; not copied. For the parser,
   * which builds completed page properties in a fresh array.
   */
  static JsonObject ofOwnedBytes(byte[] buffer, int offset, int length) {
    return new JsonObject(buffer, offset, length);
  }

  /** An object holding the given map (not copied: do not change it afterwards). */
  public static JsonObject of(Map<String, Object> values) {
    return values.isEmpty() ? EMPTY : new JsonObject(Collections.unmodifiableMap(values));
  }

  /**
   * A copy of the object's JSON text as it was received, or null once it has been parsed (or when
   * it was built from a map). A state codec stores raw text as it is, so the object behaves the
   * same after a round trip, {@link #toJson()} included.
   */
  public byte[] unparsedBytes() {
    byte[] r = raw;
    if (r == null || parsed != null) {
      return null;
    }
    byte[] copy = new byte[length];
    System.arraycopy(r, offset, copy, 0, length);
    return copy;
  }

  /**
   * An object over JSON text that is checked first: one well-formed JSON object and nothing after
   * it. For text from outside the parser (a stored state), which {@link #ofBytes} would trust. The
   * bytes are copied; the object still parses lazily.
   *
   * @throws IllegalArgumentException when the text is not one JSON object
   */
  public static JsonObject ofCheckedBytes(byte[] buffer, int offset, int length) {
    try (JsonParser p = FACTORY.createParser(buffer, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      int depth = 1;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw new IllegalArgumentException("JSON object ends early");
        }
        switch (t) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          // Reading each value makes the parser decode it, so bad escapes or UTF-8 show now,
          // not when an expression first reads the object.
          case FIELD_NAME, VALUE_STRING -> p.getText();
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
          default -> {}
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("text after the JSON object");
      }
    } catch (IOException | RuntimeException e) {
      // Whatever the parser throws, the text is not JSON it can read later.
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    return ofBytes(buffer, offset, length);
  }

  /** The object's fields, parsed on first use. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = parsed;
    if (m == null) {
      synchronized (this) {
        m = parsed;
        if (m == null) {
          m = parse(raw, offset, length);
          parsed = m;
          raw = null;
        }
      }
    }
    return m;
  }

  /** One top-level field, or null. */
  public Object get(String key) {
    return asMap().get(key);
  }

  public boolean isEmpty() {
    Map<String, Object> m = parsed;
    if (m != null) {
      return m.isEmpty();
    }
    byte[] r = raw;
    if (r == null) {
      return asMap().isEmpty();
    }
    // Only whitespace between the braces: "{ }" is as empty as "{}".
    for (int i = offset + 1; i < offset + length - 1; i++) {
      byte b = r[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** The object as compact JSON text. */
  public String toJson() {
    Map<String, Object> m = parsed;
    if (m == null) {
      byte[] r = raw;
      if (r != null) {
        return new String(r, offset, length, StandardCharsets.UTF_8);
      }
      m = asMap();
    }
    return Json.write(m);
  }

  @Override
  public String toString() {
    return toJson();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonObject other && asMap().equals(other.asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  private static Map<String, Object> parse(byte[] buf, int off, int len) {
    try (JsonParser p = FACTORY.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalStateException("not a JSON object");
      }
      return Collections.unmodifiableMap(readObject(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the object whose START_OBJECT the parser is on, up to and including its END_OBJECT. */
  static Map<String, Object> readObject(JsonParser p) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    String name;
    while ((name = p.nextFieldName()) != null) {
      m.put(name, readValue(p, p.nextToken()));
    }
    return m;
  }

  static Object readValue(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> p.getText();
      // Boxed apart on purpose: in one conditional expression the long would be widened to double.
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          yield p.getDoubleValue();
        }
        yield p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case START_OBJECT -> Collections.unmodifiableMap(readObject(p));
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(readValue(p, e));
        }
        yield Collections.unmodifiableList(list);
      }
      default -> throw new IllegalStateException("unexpected token " + t);
    };
  }
}
