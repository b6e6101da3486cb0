package io.kairos.template;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import liqp.TemplateContext;
import liqp.filters.Filter;
import ua.co.k.strftime.StrftimeFormatter;

/**
 * Liquid's {@code date} filter ({@code strftime} formats), reading time only from the render:
 * {@code "now"} and {@code "today"} are the context's {@code now}, and every moment is shown in the
 * profile's time zone (else the context's zone, else UTC), with month and day names in the
 * variant's language. Input: epoch seconds (number or digits), ISO-8601 text (with an offset or
 * {@code Z}; without one it is local time in that zone; a space may stand for {@code T}), a date
 * ({@code 2026-03-01}). Anything else is returned unchanged, as in Liquid.
 */
final class DateFilter extends Filter {
  DateFilter() {
    super("date");
  }

  @Override
  public Object apply(Object value, TemplateContext context, Object... params) {
    if (params.length == 0 || params[0] == null) {
      return value;
    }
    String format = asString(params[0], context);
    if (format.isBlank()) {
      return value;
    }
    RenderState state = RenderState.of(context);
    TemporalAccessor moment = moment(value, state);
    if (moment == null) {
      return value;
    }
    return StrftimeFormatter.ofSafePattern(format, state.locale).format(moment);
  }

  private static TemporalAccessor moment(Object value, RenderState state) {
    if (value == null) {
      return null;
    }
    if (value instanceof TemporalAccessor t) {
      return t.isSupported(ChronoField.INSTANT_SECONDS)
          ? Instant.from(t).atZone(state.zone)
          : t; // a date without a time stays that date
    }
    if (value instanceof Number n) {
      BigDecimal seconds = Values.decimal(n);
      return seconds == null ? null : epochSeconds(seconds, state);
    }
    String text = value.toString().trim();
    if (text.equals("now") || text.equals("today")) {
      return Instant.ofEpochMilli(state.now).atZone(state.zone);
    }
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() < 15) {
      return epochSeconds(new BigDecimal(text), state);
    }
    String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.replaceFirst(" ", "T") : text;
    try {
      return OffsetDateTime.parse(iso).atZoneSameInstant(state.zone);
    } catch (DateTimeException e) {
      // not with an offset; try the local forms
    }
    try {
      return LocalDateTime.parse(iso).atZone(state.zone);
    } catch (DateTimeException e) {
      // not a local date-time
    }
    try {
      return LocalDate.parse(iso);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static ZonedDateTime epochSeconds(BigDecimal seconds, RenderState state) {
    try {
      return Instant.ofEpochMilli(seconds.movePointRight(3).longValueExact()).atZone(state.zone);
    } catch (ArithmeticException | DateTimeException e) {
      return null;
    }
  }
}
