package io.kairos.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a generated file holds, and what the benchmark journeys should therefore do with it. The
 * expectations assume the engine fires a timer that falls exactly on an event's second before that
 * event; ties on that boundary are rare and may move a count by a handful.
 *
 * @param events lines written
 * @param users customers that signed up: the welcome journey's expected sends
 * @param first the earliest timestamp
 * @param last the latest timestamp
 * @param countsByEvent lines per event name, in a fixed order
 * @param tiedEvents events with the same second as the line before
 * @param tiedAcrossUsers of those, events of another customer than the line before
 * @param quietPeriods stretches of 7 days or more without an event, between two events of a
 *     customer or from their last event to the end of the file
 * @param usersGoingQuiet customers with at least one such stretch: the inactivity journey's
 *     expected sends (entry {@code once})
 * @param comebacksAfter30Days gaps of 30 days or more after which the customer was active again
 * @param cartAddsAbandoned Product Added with no Order Completed within the hour: the abandoned
 *     cart journey's expected sends
 * @param cartAddsBought Product Added followed by Order Completed within the hour
 * @param cartAddsOpen Product Added less than an hour before the end of the file, not bought
 * @param eventsPerUser median, 90th, 99th percentile and maximum events of one customer
 * @param gapScale the calibrated factor on the mean time between sessions
 */
public record Summary(
    long events,
    int users,
    Instant first,
    Instant last,
    Map<String, Long> countsByEvent,
    long tiedEvents,
    long tiedAcrossUsers,
    long quietPeriods,
    int usersGoingQuiet,
    long comebacksAfter30Days,
    long cartAddsAbandoned,
    long cartAddsBought,
    long cartAddsOpen,
    Spread eventsPerUser,
    double gapScale) {

  /** A distribution in four numbers. */
  public record Spread(int median, int p90, int p99, int max) {}

  /** Prints a human-readable report; stderr in the CLI, so stdout can carry the events. */
  public void print(PrintStream out) {
    Duration span = Duration.between(first, last);
    out.printf("events            %,d%n", events);
    out.printf("users signed up   %,d%n", users);
    out.printf(
        "time span         %s .. %s (%.1f days)%n", first, last, span.toSeconds() / 86_400.0);
    countsByEvent.forEach((name, count) -> out.printf("  %-19s %,12d%n", name, count));
    out.printf(
        "same-second ties  %,d events share the previous line's second (%,d of another user)%n",
        tiedEvents, tiedAcrossUsers);
    out.printf(
        "events per user   median %d, p90 %d, p99 %d, max %d%n",
        eventsPerUser.median(), eventsPerUser.p90(), eventsPerUser.p99(), eventsPerUser.max());
    out.printf(
        "quiet >= 7 days   %,d periods, %,d users (inactivity: expected sends)%n",
        quietPeriods, usersGoingQuiet);
    out.printf("back after >= 30d %,d%n", comebacksAfter30Days);
    out.printf(
        "Product Added     %,d abandoned (abandoned_cart: expected sends), %,d bought within"
            + " the hour, %,d open at the end%n",
        cartAddsAbandoned, cartAddsBought, cartAddsOpen);
    out.printf("session gap scale %.3f%n", gapScale);
  }
}
