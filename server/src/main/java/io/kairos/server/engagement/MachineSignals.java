package io.kairos.server.engagement;

import java.util.List;
import java.util.Locale;

/**
 * Tells machine opens and clicks from people's, from what a request shows: its {@code User-Agent}
 * and how soon after the message was sent it came. The rules, in order (docs/engagement.md):
 *
 * <ol>
 *   <li>no {@code User-Agent}: {@code no_user_agent};
 *   <li>Gmail's image proxy ({@code GoogleImageProxy}) and Yahoo's ({@code YahooMailProxy}) are
 *       people: those proxies fetch images when the person opens the message;
 *   <li>exactly {@code Mozilla/5.0} and nothing else: {@code apple_mail_privacy_protection}, the
 *       agent of Apple's prefetching proxy (Mail Privacy Protection loads every image when the
 *       message arrives, whether it is read or not);
 *   <li>a known security scanner, link checker or HTTP library in the agent: {@code
 *       security_scanner};
 *   <li>within {@link #TOO_SOON_MILLIS} of the message being handed to the provider: {@code
 *       too_soon} (scanners fetch every link and image as the message is delivered; a person rarely
 *       reads it in the same seconds).
 * </ol>
 */
public final class MachineSignals {

  /** Sooner than this after sending, an open or click is taken for a machine's. */
  public static final long TOO_SOON_MILLIS = 10_000;

  private static final List<String> HUMAN_PROXIES = List.of("googleimageproxy", "yahoomailproxy");

  private static final List<String> SCANNERS =
      List.of(
          "barracuda",
          "proofpoint",
          "mimecast",
          "messagelabs",
          "symantec",
          "trendmicro",
          "trend micro",
          "forcepoint",
          "sophos",
          "fortiguard",
          "ironport",
          "cisco",
          "zscaler",
          "checkpoint",
          "bitdefender",
          "safelinks",
          "linkchecker",
          "headlesschrome",
          "phantomjs",
          // "bot" alone would catch phones named Cubot: only as a product token.
          "bot/",
          "bot;",
          "bot)",
          "crawler",
          "spider",
          "curl/",
          "wget/",
          "python-requests",
          "python-urllib",
          "go-http-client",
          "java/",
          "okhttp",
          "libwww",
          "apache-httpclient");

  private MachineSignals() {}

  /**
   * Why the request looks like a machine's, or null for a person.
   *
   * @param sentAt when the message was handed to the provider (epoch ms), or null when unknown
   */
  public static String machineReason(String userAgent, Long sentAt, long now) {
    if (userAgent == null || userAgent.isBlank()) {
      return "no_user_agent";
    }
    String ua = userAgent.strip();
    String lower = ua.toLowerCase(Locale.ROOT);
    for (String p : HUMAN_PROXIES) {
      if (lower.contains(p)) {
        return null;
      }
    }
    if (ua.equals("Mozilla/5.0")) {
      return "apple_mail_privacy_protection";
    }
    for (String s : SCANNERS) {
      if (lower.contains(s)) {
        return "security_scanner";
      }
    }
    if (sentAt != null && now >= sentAt && now - sentAt < TOO_SOON_MILLIS) {
      return "too_soon";
    }
    return null;
  }
}
