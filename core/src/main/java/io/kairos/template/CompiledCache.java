package io.kairos.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiled fields by template id, version, locale and field, least recently used evicted. An entry
 * is used only while its text is the text asked for, so a caller that reuses a version number for
 * new text (a preview of unsaved edits) still gets its own text rendered.
 */
final class CompiledCache {
  record Key(String templateId, long version, String locale, String field) {}

  private final Map<Key, CompiledField> entries;

  CompiledCache(int capacity) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, CompiledField> eldest) {
            return size() > capacity;
          }
        };
  }

  CompiledField get(Key key, String source, Function<String, CompiledField> compile) {
    CompiledField field;
    synchronized (entries) {
      field = entries.get(key);
    }
    if (field != null && field.source.equals(source)) {
      return field;
    }
    field = compile.apply(source); // outside the lock: parsing a large text takes a while
    synchronized (entries) {
      entries.put(key, field);
    }
    return field;
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
