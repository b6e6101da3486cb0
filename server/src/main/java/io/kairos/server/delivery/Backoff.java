package io.kairos.server.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32C;

/**
 * Exponential backoff with jitter between attempts: {@code base * 2^(attempt-1)}, capped, then a
 * uniform fraction of it (full jitter) so retries of many messages after one outage spread out. The
 * jitter is a hash of the message id and attempt, not a random draw, so a test (and a replay) sees
 * the same schedule.
 */
record Backoff(Duration base, Duration max) {

  /** The wait before attempt {@code attempt + 1} of message {@code id}. */
  long delayMillis(String id, int attempt, Duration retryAfter) {
    long cap = max.toMillis();
    long exp = base.toMillis() << Math.min(30, Math.max(0, attempt - 1));
    long ceiling = exp <= 0 || exp > cap ? cap : exp;
    CRC32C crc = new CRC32C();
    crc.update((id + "#" + attempt).getBytes(StandardCharsets.UTF_8));
    double fraction = (crc.getValue() & 0xFFFF) / 65536.0;
    // Half fixed, half jittered: a retry never comes back at once, and many never in step.
    long delay = ceiling / 2 + (long) (fraction * (ceiling / 2.0));
    if (retryAfter != null) {
      delay = Math.max(delay, retryAfter.toMillis());
    }
    return Math.max(1, delay);
  }
}
