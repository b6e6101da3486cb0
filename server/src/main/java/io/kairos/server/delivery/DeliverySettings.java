package io.kairos.server.delivery;

import java.time.Duration;
import java.util.Map;

/**
 * How the dispatcher works (the {@code delivery.*} and {@code channels.*.rate} keys of
 * docs/operations.md).
 *
 * @param threads threads per channel: a slow provider only ever holds its own channel's threads
 * @param inFlight attempts per channel claimed but not yet recorded
 * @param poll how long the dispatcher sleeps when nothing wakes it
 * @param maxAttempts attempts before a message that keeps failing transiently fails for good
 * @param retryBase the first retry's wait (doubling per attempt, with jitter)
 * @param retryMax the longest wait between attempts
 * @param maxAge how long after it was decided a message is still retried
 * @param ratePerSecond messages per second per channel (absent: unlimited)
 * @param providerRates messages per second per provider ({@link ProviderLimits}); absent: unlimited
 * @param grace how long a stop waits for attempts in flight to be recorded
 */
public record DeliverySettings(
    boolean enabled,
    int threads,
    int inFlight,
    Duration poll,
    int maxAttempts,
    Duration retryBase,
    Duration retryMax,
    Duration maxAge,
    Map<String, Double> ratePerSecond,
    Map<String, Double> providerRates,
    Duration grace) {

  /** The defaults of docs/operations.md. */
  public static DeliverySettings defaults() {
    return new DeliverySettings(
        true,
        8,
        256,
        Duration.ofSeconds(1),
        10,
        Duration.ofSeconds(30),
        Duration.ofHours(1),
        Duration.ofHours(72),
        Map.of(),
        Map.of(),
        Duration.ofSeconds(10));
  }

  public DeliverySettings {
    ratePerSecond = Map.copyOf(ratePerSecond);
    providerRates = Map.copyOf(providerRates);
  }
}
