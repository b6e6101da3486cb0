package io.kairos.dates;

/** How often a date trigger fires for one value of its attribute. */
public enum Recurrence {
  /** Once, on the date itself. */
  NONE,
  /** On every anniversary after the date; 29 February falls on 28 February in other years. */
  YEARLY,
  /** On the same day of every later month; a day the month lacks falls on its last day. */
  MONTHLY
}
