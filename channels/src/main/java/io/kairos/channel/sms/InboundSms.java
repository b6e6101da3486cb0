package io.kairos.channel.sms;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A text message a recipient sent back, as Twilio posts it to the inbound webhook (form fields
 * {@code From}, {@code To}, {@code Body}, {@code MessageSid}), with the keyword it amounts to.
 * Check the request's {@code X-Twilio-Signature} with {@link TwilioSignature} before trusting it.
 *
 * @param from the recipient who wrote (E.164)
 * @param to our number it was sent to
 * @param body what they wrote
 * @param messageSid Twilio's id for the inbound message
 * @param keyword what it means for consent
 */
public record InboundSms(String from, String to, String body, String messageSid, Keyword keyword) {

  /** What an inbound message means, per Twilio's standard keywords. */
  public enum Keyword {
    /** STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE: no more texts. */
    OPT_OUT,
    /** START, YES, UNSTOP, OPTIN: texts again. */
    OPT_IN,
    /** HELP, INFO: the sender wants the help message. */
    HELP,
    /** Anything else: an ordinary reply. */
    NONE
  }

  private static final Set<String> OPT_OUT =
      Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE");
  private static final Set<String> OPT_IN = Set.of("START", "YES", "UNSTOP", "OPTIN");
  private static final Set<String> HELP = Set.of("HELP", "INFO");

  /**
   * Reads Twilio's inbound form.
   *
   * @param form the POST parameters, as a form parser gives them (name to values)
   * @throws IllegalArgumentException naming a missing field
   */
  public static InboundSms parse(Map<String, List<String>> form) {
    String from = field(form, "From", true);
    String to = field(form, "To", true);
    String sid = field(form, "MessageSid", true);
    String body = field(form, "Body", false);
    String text = body == null ? "" : body;
    return new InboundSms(from, to, text, sid, keyword(text));
  }

  /** The keyword a body amounts to: the whole body, trimmed, in any case. */
  public static Keyword keyword(String body) {
    String word = body == null ? "" : body.strip().toUpperCase(Locale.ROOT);
    if (OPT_OUT.contains(word)) {
      return Keyword.OPT_OUT;
    }
    if (OPT_IN.contains(word)) {
      return Keyword.OPT_IN;
    }
    if (HELP.contains(word)) {
      return Keyword.HELP;
    }
    return Keyword.NONE;
  }

  private static String field(Map<String, List<String>> form, String name, boolean required) {
    List<String> values = form.get(name);
    String value = values == null || values.isEmpty() ? null : values.get(0);
    if (required && (value == null || value.isBlank())) {
      throw new IllegalArgumentException("inbound SMS field " + name + " is missing");
    }
    return value;
  }
}
