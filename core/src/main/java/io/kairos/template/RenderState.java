package io.kairos.template;

import io.kairos.template.RenderResult.Reason;
import io.kairos.template.RenderResult.Undefined;
import java.text.NumberFormat;
import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  private final MoneyFormats prototypes;

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
      Map<Currency, NumberFormat> moneyFormats,
      MoneyFormats prototypes) {
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
    this.prototypes = prototypes;
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

  /** NumberFormat is not thread-safe, so each render (all its fields) keeps its own copies. */
  NumberFormat moneyFormat(Currency c) {
    return moneyFormats.computeIfAbsent(c, k -> prototypes.copy(locale, k));
  }
}
