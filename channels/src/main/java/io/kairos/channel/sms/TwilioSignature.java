package io.kairos.channel.sms;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Twilio's {@code X-Twilio-Signature} on a form POST: base64(HMAC-SHA1(auth token, the full
 * URL Twilio called + every POST parameter sorted by name, each name followed by its value)).
 *
 * <p>The URL must be the one Twilio called, as configured in the Twilio console (scheme, host, path
 * and query), not the one a proxy forwarded to. As Twilio's own libraries do, the URL is tried with
 * and without the default port, since proxies add or drop it.
 */
public final class TwilioSignature {

  private TwilioSignature() {}

  /** Whether {@code header} is the signature of this request. */
  public static boolean valid(
      String authToken, String url, Map<String, List<String>> params, String header) {
    if (header == null || header.isBlank()) {
      return false;
    }
    byte[] given = header.trim().getBytes(StandardCharsets.US_ASCII);
    for (String candidate : List.of(url, otherPortForm(url))) {
      byte[] expected = compute(authToken, candidate, params).getBytes(StandardCharsets.US_ASCII);
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  /** The signature Twilio sends for this URL and these POST parameters. */
  public static String compute(String authToken, String url, Map<String, List<String>> params) {
    StringBuilder data = new StringBuilder(url);
    for (Map.Entry<String, List<String>> e : new TreeMap<>(params).entrySet()) {
      // A name that occurs several times contributes each distinct value once, in sorted order
      // (as Twilio's libraries compute it).
      for (String v : new TreeSet<>(e.getValue())) {
        data.append(e.getKey()).append(v);
      }
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }

  /** The URL with its port removed, or with the scheme's default port added. */
  static String otherPortForm(String url) {
    int start = url.indexOf("://");
    if (start < 0) {
      return url;
    }
    start += 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int colon = authority.lastIndexOf(':');
    boolean hasPort = colon > authority.lastIndexOf(']') && colon > authority.lastIndexOf('@');
    String changed;
    if (hasPort) {
      changed = authority.substring(0, colon);
    } else {
      String scheme = url.substring(0, start - 3).toLowerCase(java.util.Locale.ROOT);
      changed = authority + (scheme.equals("https") ? ":443" : ":80");
    }
    return url.substring(0, start) + changed + url.substring(end);
  }
}
