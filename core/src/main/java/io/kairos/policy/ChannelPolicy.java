package io.kairos.policy;

import io.kairos.time.Span;

/**
 * The rules of one channel, with the workspace-wide ones already folded in.
 *
 * @param quietHours when marketing waits; null for none
 * @param minGap least time between two marketing messages on this channel; null for none
 * @param optIn whether marketing needs an explicit opt-in ({@code consent: opt_in}); otherwise the
 *     profile may receive it until it unsubscribes ({@code opt_out})
 * @param address the trait holding the profile's address on this channel ({@code email}, {@code
 *     phone}, {@code push_token}); null when the channel needs none or the check is off
 */
public record ChannelPolicy(QuietHours quietHours, Span minGap, boolean optIn, String address) {

  /** No quiet hours, no gap, opt-out consent, no address check. */
  public static final ChannelPolicy OPEN = new ChannelPolicy(null, null, false, null);
}
