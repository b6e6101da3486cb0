package io.kairos.template;

/**
 * How an SMS text travels: GSM-7 when every character is in the GSM 03.38 default alphabet or its
 * extension table (the extension characters {@code ^ { } \ [ ~ ] | €} and form feed take two
 * septets), else UCS-2 (UTF-16 code units; an emoji takes two). One segment holds 160 septets or 70
 * UCS-2 units; a longer text is split into parts of 153 septets or 67 units (the rest is the
 * concatenation header), and a two-septet character or a surrogate pair never straddles two parts.
 *
 * @param encoding GSM_7 or UCS_2
 * @param units septets (GSM-7) or UTF-16 code units (UCS-2)
 * @param segments the parts the text is sent as (0 for an empty text)
 * @param firstNonGsm the first character that forced UCS-2, or null for GSM-7
 */
public record SmsSegments(Encoding encoding, int units, int segments, String firstNonGsm) {

  /** The SMS character encodings. */
  public enum Encoding {
    GSM_7,
    UCS_2
  }

  static final int GSM_SINGLE = 160;
  static final int GSM_PART = 153;
  static final int UCS2_SINGLE = 70;
  static final int UCS2_PART = 67;

  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  private static final String EXTENSION = "\f^{}\\[~]|€";

  /** Septets per character up to the Greek capitals of the alphabet; € is looked up apart. */
  private static final byte[] COST = costs();

  private static byte[] costs() {
    byte[] cost = new byte['Ω' + 1];
    for (char c : BASIC.toCharArray()) {
      cost[c] = 1;
    }
    for (char c : EXTENSION.toCharArray()) {
      if (c < cost.length) {
        cost[c] = 2;
      }
    }
    return cost;
  }

  /** The encoding and segments of a text. */
  public static SmsSegments of(String text) {
    int septets = 0;
    for (int i = 0; i < text.length(); i++) {
      int cost = septets(text.charAt(i));
      if (cost == 0) {
        return ucs2(text, text.substring(i, i + Character.charCount(text.codePointAt(i))));
      }
      septets += cost;
    }
    int segments;
    if (septets == 0) {
      segments = 0;
    } else if (septets <= GSM_SINGLE) {
      segments = 1;
    } else {
      segments = 1;
      int used = 0;
      for (int i = 0; i < text.length(); i++) {
        int cost = septets(text.charAt(i));
        if (used + cost > GSM_PART) { // an escape pair moves whole to the next part
          segments++;
          used = 0;
        }
        used += cost;
      }
    }
    return new SmsSegments(Encoding.GSM_7, septets, segments, null);
  }

  private static SmsSegments ucs2(String text, String cause) {
    int units = text.length();
    int segments;
    if (units <= UCS2_SINGLE) {
      segments = 1;
    } else {
      segments = 1;
      int used = 0;
      for (int i = 0; i < units; ) {
        int cost = Character.charCount(text.codePointAt(i));
        if (used + cost > UCS2_PART) { // a surrogate pair is never split
          segments++;
          used = 0;
        }
        used += cost;
        i += cost;
      }
    }
    return new SmsSegments(Encoding.UCS_2, units, segments, cause);
  }

  /** 1 for the default alphabet, 2 for the extension table, 0 when GSM-7 cannot carry it. */
  private static int septets(char c) {
    if (c < COST.length) {
      return COST[c];
    }
    return c == '€' ? 2 : 0;
  }
}
