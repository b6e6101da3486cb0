package io.kairos.server.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.event.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Engine values (traits, step data, changes) as JSON text for the store. Traits can hold what CEL
 * produced — timestamps, durations, big decimals — so each value is first made plain: numbers,
 * booleans, strings, lists and maps; anything else becomes its text (timestamps in ISO-8601).
 */
final class JsonValues {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonValues() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(plain(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static Object plain(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? d : d.toString();
    }
    if (v instanceof Float f) {
      return Float.isFinite(f) ? f : f.toString();
    }
    if (v instanceof Number) {
      return v;
    }
    if (v instanceof JsonObject o) {
      return plain(o.asMap());
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (v instanceof Object[] a) {
      List<Object> out = new ArrayList<>(a.length);
      for (Object x : a) {
        out.add(plain(x));
      }
      return out;
    }
    // Instant, Duration, LocalDate...: their toString is ISO-8601.
    return v.toString();
  }
}
