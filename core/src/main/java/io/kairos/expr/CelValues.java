package io.kairos.expr;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.types.CelType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Between plain Java values and the values CEL works with.
 *
 * <p>CEL takes Java maps, lists, strings, longs, doubles, booleans and {@link java.time.Instant}s
 * as they are, except null: its runtime reads a null map value as "unknown", not as CEL {@code
 * null}. Instead of copying the input, maps and lists are wrapped in views that translate a value
 * when CEL reads it, so an evaluation costs nothing for the keys it does not touch.
 */
final class CelValues {

  private CelValues() {}

  /** A Java value as CEL should see it. */
  static Object toCel(Object v) {
    if (v == null) {
      return NullValue.NULL_VALUE;
    }
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      return new MapView(m);
    }
    if (v instanceof List<?> l) {
      return new ListView(l);
    }
    // CEL has one integer and one floating type; other Java numbers would match no overload.
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (v instanceof BigDecimal || v instanceof BigInteger) {
      return ((Number) v).doubleValue();
    }
    return v;
  }

  /** A CEL result as a plain Java value (null for CEL null; views give back what they wrap). */
  static Object toJava(Object v) {
    if (v == null || v instanceof NullValue) {
      return null;
    }
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    if (v instanceof MapView view) {
      return view.map;
    }
    if (v instanceof ListView view) {
      return view.list;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      m.forEach((k, x) -> copy.put(toJava(k), toJava(x)));
      return Collections.unmodifiableMap(copy);
    }
    if (v instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      l.forEach(x -> copy.add(toJava(x)));
      return Collections.unmodifiableList(copy);
    }
    if (v instanceof UnsignedLong u) {
      // Kept as an if: a ?: between long and double would turn every result into a Double.
      if (u.compareTo(UnsignedLong.valueOf(Long.MAX_VALUE)) <= 0) {
        return u.longValue();
      }
      return u.doubleValue();
    }
    if (v instanceof CelByteString b) {
      return b.toByteArray();
    }
    if (v instanceof CelType t) {
      return t.name();
    }
    return v;
  }

  /** A read-only view of a Java map whose values CEL sees through {@link #toCel}. */
  private static final class MapView extends AbstractMap<Object, Object> {
    final Map<?, ?> map;

    MapView(Map<?, ?> map) {
      this.map = map;
    }

    @Override
    public Object get(Object key) {
      Object v = map.get(key);
      if (v == null && !map.containsKey(key)) {
        return null;
      }
      return toCel(v);
    }

    @Override
    public boolean containsKey(Object key) {
      return map.containsKey(key);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<Object, Object>> iterator() {
          Iterator<? extends Entry<?, ?>> it = map.entrySet().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Entry<Object, Object> next() {
              Entry<?, ?> e = it.next();
              return new SimpleImmutableEntry<>(e.getKey(), toCel(e.getValue()));
            }
          };
        }

        @Override
        public int size() {
          return map.size();
        }
      };
    }
  }

  /** A read-only view of a Java list whose elements CEL sees through {@link #toCel}. */
  private static final class ListView extends AbstractList<Object> implements RandomAccess {
    final List<?> list;

    ListView(List<?> list) {
      this.list = list;
    }

    @Override
    public Object get(int index) {
      return toCel(list.get(index));
    }

    @Override
    public int size() {
      return list.size();
    }
  }
}
