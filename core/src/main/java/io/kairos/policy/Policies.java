package io.kairos.policy;

import io.kairos.time.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A workspace's message policies: per-channel rules, a minimum gap across channels and frequency
 * caps. Immutable. {@link #NONE} is what a workspace without a {@code policies:} section gets.
 *
 * @param channels the rules per channel name; a channel not listed gets {@link ChannelPolicy#OPEN}
 * @param minGap least time between two marketing messages on any channels; null for none
 * @param caps frequency caps, each checked on its own
 * @param topics the subscription topics customers can choose in the preference centre, in the order
 *     given; empty when the workspace lists none
 */
public record Policies(
    Map<String, ChannelPolicy> channels, Span minGap, List<Cap> caps, List<Topic> topics) {

  /**
   * No quiet hours, caps or gaps, and no address check: a workspace that has said nothing about
   * pacing sends when the journey says so, and bare event timelines simulate as they are. Consent
   * and suppressions still apply: they are the customer's word, not a workspace choice.
   */
  public static final Policies NONE = new Policies(Map.of(), null, List.of());

  public Policies {
    channels = Map.copyOf(channels);
    caps = List.copyOf(caps);
    topics = List.copyOf(topics);
  }

  /** Policies without topics. */
  public Policies(Map<String, ChannelPolicy> channels, Span minGap, List<Cap> caps) {
    this(channels, minGap, caps, List.of());
  }

  /** The topic of that id, or null. */
  public Topic topic(String id) {
    for (Topic t : topics) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    return null;
  }

  /** The rules of one channel. */
  public ChannelPolicy channel(String name) {
    ChannelPolicy p = channels.get(name);
    return p == null ? ChannelPolicy.OPEN : p;
  }

  /** Whether any rule looks at the send history; when none does, no history is kept. */
  public boolean needsHistory() {
    return !windows().isEmpty();
  }

  /** Every span a history entry can matter for: caps' windows and gaps. */
  public List<Span> windows() {
    List<Span> w = new ArrayList<>();
    for (Cap c : caps) {
      w.add(c.per());
    }
    if (minGap != null) {
      w.add(minGap);
    }
    for (ChannelPolicy p : channels.values()) {
      if (p.minGap() != null) {
        w.add(p.minGap());
      }
    }
    return w;
  }
}
