package io.kairos.dates;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * One occurrence of a date trigger or an occasion for one profile.
 *
 * @param base the date the occurrence is of (the anniversary, the renewal date, the holiday): its
 *     identity, so the same occurrence never fires twice whatever moves its moment
 * @param local the wall-clock moment in the profile's zone, offset applied, before DST resolution
 * @param instant epoch millis of {@code local} in the zone, resolved as {@code java.time} does: a
 *     time in a spring gap moves forward by the gap's length, one in an autumn overlap takes the
 *     earlier instant
 */
public record Occurrence(LocalDate base, LocalDateTime local, long instant) {}
