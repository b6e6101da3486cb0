package io.kairos.scoring;

import io.kairos.expr.Expression;

/**
 * One way to earn (or lose) points: an event of this name, when {@code where} holds, is worth
 * {@code points}.
 *
 * @param id shown in the decision trace; {@code rule-N} (N from 1) when not given
 * @param where null when every event of the name counts
 * @param points may be negative
 * @param maxPerDay the most points this rule may award one profile per calendar day in the
 *     profile's time zone; null for no cap (only for rules with positive points)
 */
public record ScoreRule(
    String id, String event, Expression where, double points, Double maxPerDay) {}
