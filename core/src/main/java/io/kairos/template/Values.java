package io.kairos.template;

import io.kairos.event.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies caller values into the few types Liquid reads (maps, lists, strings, numbers, booleans),
 * so a template never reaches into an arbitrary Java object and times print the same everywhere
 * (ISO-8601 text, which the {@code date} filter reads back).
 */
final class Values {
  /** Deeper structures are cut off here rather than risk the stack. */
  private static final int MAX_DEPTH = 32;

  private Values() {}

  static Object liquid(Object value) {
    return liquid(value, 0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, ?> value) {
    return value == null ? null : (Map<String, Object>) liquid(value, 0);
  }

  private static Object liquid(Object value, int depth) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Double
        || value instanceof BigDecimal) {
      return value;
    }
    if (depth >= MAX_DEPTH) {
      return null;
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, m.size() * 2));
      for (Map.Entry<?, ?> e : m.entrySet()) {
        copy.put(String.valueOf(e.getKey()), liquid(e.getValue(), depth + 1));
      }
      return copy;
    }
    if (value instanceof Collection<?> c) {
      List<Object> copy = new ArrayList<>(c.size());
      for (Object o : c) {
        copy.add(liquid(o, depth + 1));
      }
      return copy;
    }
    if (value instanceof Object[] a) {
      return liquid(List.of(a), depth);
    }
    if (value instanceof JsonObject j) {
      return liquid(j.asMap(), depth);
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return Double.parseDouble(f.toString()); // 0.1f is 0.1, not 0.10000000149
    }
    if (value instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    if (value instanceof Instant i) {
      return i.toString();
    }
    if (value instanceof ZonedDateTime z) {
      return z.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
    if (value instanceof OffsetDateTime o) {
      return o.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
    if (value instanceof LocalDate || value instanceof LocalDateTime) {
      return value.toString();
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    return value.toString();
  }

  /**
   * A number as a decimal, or null when it is not one (numeric text counts) or is absurdly large.
   */
  static BigDecimal decimal(Object value) {
    BigDecimal d = anyDecimal(value);
    // An exponent like 1e999999999 would print as a billion digits.
    return d == null || d.precision() - d.scale() > 30 || d.scale() > 30 ? null : d;
  }

  private static BigDecimal anyDecimal(Object value) {
    if (value instanceof BigDecimal b) {
      return b;
    }
    if (value instanceof Long || value instanceof Integer) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    if (value instanceof CharSequence s) {
      try {
        return new BigDecimal(s.toString().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
