package io.kairos.journey;

import io.kairos.expr.Expression;
import io.kairos.time.Span;

/**
 * The journey's goal as a measurable event: the first {@code event} (matching {@code where}) within
 * {@code within} of entry counts once per instance, with {@code value} as revenue.
 *
 * @param where null when any such event counts
 * @param value null when conversions carry no value
 * @param exit whether converting also ends the instance
 */
public record Conversion(
    String event, Expression where, Span within, Expression value, boolean exit) {}
