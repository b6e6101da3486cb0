package io.kairos.policy;

import java.util.List;

/**
 * A subscription topic of a workspace (the {@code topics:} list of its policies): what a {@code
 * send} step's {@code topic:} names, and what the preference centre lets a customer choose per
 * channel.
 *
 * @param id what steps name in {@code topic:} and consent events carry in {@code topic}
 * @param name a label for people (the id when not given)
 * @param description one line for the preference centre, or null
 * @param channels the channels the topic is offered on
 */
public record Topic(String id, String name, String description, List<String> channels) {

  /** The channels a topic is offered on when it does not say. */
  public static final List<String> DEFAULT_CHANNELS = List.of("email", "sms", "push");

  public Topic {
    channels = List.copyOf(channels);
  }
}
