package io.kairos.policy;

import io.kairos.time.Span;

/**
 * At most {@code max} marketing messages in any window of {@code per}, on one channel or (when
 * {@code channel} is null) across all channels. Transactional messages neither count nor obey it.
 */
public record Cap(int max, Span per, String channel) {

  public Cap {
    if (max < 1) {
      throw new IllegalArgumentException("a cap allows at least 1 message");
    }
  }

  /** Whether a send on {@code sentOn} counts against this cap. */
  public boolean counts(String sentOn) {
    return channel == null || channel.equals(sentOn);
  }

  @Override
  public String toString() {
    return "cap " + max + " per " + per + (channel == null ? " across channels" : " on " + channel);
  }
}
