package io.kairos.journey;

import io.kairos.expr.Expression;

/** An event (optionally with a condition) that ends every instance of the journey at once. */
public record ExitRule(String event, Expression where) {}
