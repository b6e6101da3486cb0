package io.kairos.channel.sms;

import io.kairos.channel.Outcome;

/**
 * How an SMS outcome says "the recipient opted out" (Twilio 21610: they replied STOP): a {@link
 * Outcome.Gone} whose detail starts with {@link #PREFIX}. The dispatcher records an SMS opt-out
 * (consent withdrawn) rather than a dead number.
 */
public final class SmsOptOut {

  /** The start of an opt-out's detail. */
  public static final String PREFIX = "opted out: ";

  private SmsOptOut() {}

  /** Whether this outcome is a recipient's opt-out. */
  public static boolean is(Outcome outcome) {
    return outcome instanceof Outcome.Gone g && g.detail().startsWith(PREFIX);
  }

  static Outcome.Gone gone(String detail) {
    return new Outcome.Gone(PREFIX + detail);
  }
}
