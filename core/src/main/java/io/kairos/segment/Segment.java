package io.kairos.segment;

import io.kairos.expr.Expression;

/**
 * A named audience: the profiles whose {@code where} condition holds now. Membership is kept
 * current by the engine as profile data changes and as time passes (see {@code docs/segments.md}).
 *
 * @param where a condition compiled {@linkplain
 *     io.kairos.expr.ExpressionCompiler#compileKeptCurrent kept current}
 * @param source the file it was defined in
 */
public record Segment(
    String id, String name, String description, Expression where, String source) {}
