package io.kairos.template;

import java.text.NumberFormat;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Currency formats by locale and currency, kept by a renderer and never used to format: building
 * one reads the locale providers (most of a receipt's render time when done per message), copying
 * one does not. A render takes a copy, since a {@link NumberFormat} is not thread-safe.
 */
final class MoneyFormats {
  /** Bounds the prototypes: locales come from template variants, currencies from ISO 4217. */
  private static final int MAX_PROTOTYPES = 4096;

  private final Map<List<Object>, NumberFormat> prototypes = new HashMap<>();

  /** A format of its own for {@code c} as {@code locale} writes it. */
  NumberFormat copy(Locale locale, Currency c) {
    List<Object> key = List.of(locale, c);
    NumberFormat proto;
    synchronized (prototypes) {
      proto = prototypes.get(key);
    }
    if (proto == null) {
      proto = build(locale, c);
      synchronized (prototypes) {
        if (prototypes.size() < MAX_PROTOTYPES) {
          prototypes.putIfAbsent(key, proto);
        }
      }
    }
    // Copying reads the prototype, which nothing ever changes: safe from any thread.
    return (NumberFormat) proto.clone();
  }

  private static NumberFormat build(Locale locale, Currency c) {
    NumberFormat f = NumberFormat.getCurrencyInstance(locale);
    f.setCurrency(c);
    f.setMinimumFractionDigits(Math.max(0, c.getDefaultFractionDigits()));
    f.setMaximumFractionDigits(Math.max(0, c.getDefaultFractionDigits()));
    return f;
  }
}
