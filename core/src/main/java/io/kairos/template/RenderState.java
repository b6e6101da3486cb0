package io.kairos.template;

import io.kairos.template.RenderResult.Reason;
import io.kairos.template.RenderResult.Undefined;
import java.text.NumberFormat;
import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import liqp.TemplateContext;

/**
 * What the filters and checks of one field's render need beyond the Liquid variables. It lives in
 * the root context's registry, where liqp's child contexts (loops, captures) find it, and not in
 * the variables, where a template could read it.
 */
final class RenderState {
  private static final String KEY = "io.kairos.template";

  final String field;
  final StopSignal stop;
  final int maxOutputChars;
  final long now;
  final ZoneId zone;
  final Locale locale;
  final String currency;
  final MissingVariables missing;
  private final List<Undefined> undefined;
  private final Map<Currency, NumberFormat> moneyFormats;

  RenderState(
      String field,
      StopSignal stop,
      int maxOutputChars,
      long now,
      ZoneId zone,
      Locale locale,
      String currency,
      MissingVariables missing,
      List<Undefined> undefined,
      Map<Currency, NumberFormat> moneyFormats) {
    this.field = field;
    this.stop = stop;
    this.maxOutputChars = maxOutputChars;
    this.now = now;
    this.zone = zone;
    this.locale = locale;
    this.currency = currency;
    this.missing = missing;
    this.undefined = undefined;
    this.moneyFormats = moneyFormats;
  }

  void attachTo(TemplateContext root) {
    Map<String, Object> registry = root.getRegistry(KEY);
    registry.put(KEY, this);
  }

  static RenderState of(TemplateContext context) {
    Map<String, Object> registry = context.getRegistry(KEY);
    RenderState state = (RenderState) registry.get(KEY);
    if (state == null) {
      throw new IllegalStateException("rendered outside TemplateRenderer");
    }
    return state;
  }

  /** Stops the render when the caller asked to. */
  void checkpoint() {
    if (stop.stopRequested()) {
      throw new RenderAbort(Reason.STOPPED, "rendering stopped before it finished", 0);
    }
  }

  void checkSize(int length, String what) {
    if (length > maxOutputChars) {
      throw new RenderAbort(
          Reason.OUTPUT_TOO_LARGE,
          what + " is longer than the limit of " + maxOutputChars + " characters",
          0);
    }
  }

  /** An output printed an undefined variable: fail, or remember it for the preview. */
  void undefined(String variable, int line) {
    if (missing == MissingVariables.ERROR) {
      throw new RenderAbort(
          Reason.MISSING_VARIABLE, variable + " is not defined (line " + line + ")", line);
    }
    Undefined u = new Undefined(field, variable, line);
    if (!undefined.contains(u)) {
      undefined.add(u);
    }
  }

  /**
   * Currency formats by locale and currency, never used to format: building one reads the locale
   * providers (most of a receipt's render time when done per message), copying one does not.
   */
  private static final Map<List<Object>, NumberFormat> PROTOTYPES = new ConcurrentHashMap<>();

  /** Bounds the prototypes: locales come from template variants, currencies from ISO 4217. */
  private static final int MAX_PROTOTYPES = 4096;

  /** NumberFormat is not thread-safe, so each render (all its fields) keeps its own copy. */
  NumberFormat moneyFormat(Currency c) {
    return moneyFormats.computeIfAbsent(
        c,
        k -> {
          List<Object> key = List.of(locale, k);
          NumberFormat proto = PROTOTYPES.get(key);
          if (proto == null) {
            proto = currencyFormat(locale, k);
            if (PROTOTYPES.size() < MAX_PROTOTYPES) {
              PROTOTYPES.putIfAbsent(key, proto);
            }
          }
          return (NumberFormat) proto.clone();
        });
  }

  private static NumberFormat currencyFormat(Locale locale, Currency c) {
    NumberFormat f = NumberFormat.getCurrencyInstance(locale);
    f.setCurrency(c);
    f.setMinimumFractionDigits(Math.max(0, c.getDefaultFractionDigits()));
    f.setMaximumFractionDigits(Math.max(0, c.getDefaultFractionDigits()));
    return f;
  }
}
