package io.kairos.channel.webpush;

import java.time.Duration;

/**
 * How {@link WebPushChannel} talks to push services. A null duration or urgency takes its default.
 *
 * @param vapidKeys this server's VAPID key pair (required)
 * @param subject the contact a push service may use about this server: {@code
 *     mailto:ops@shop.example} or an {@code https:} URL (required)
 * @param ttl how long a push service keeps a message for an offline browser: 0 to 28 days, default
 *     28 days
 * @param urgency the {@code Urgency} header, default {@link Urgency#NORMAL}
 * @param connectTimeout the longest wait for a connection, default 5 s
 * @param requestTimeout the longest wait for an answer once connected, default 15 s
 * @param allowPlainHttp whether subscription endpoints may be {@code http:}; default false, since
 *     every real push service is {@code https:} and a subscription comes from a browser, that is,
 *     from anyone. Only for tests and local push-service emulators.
 */
public record WebPushSettings(
    VapidKeys vapidKeys,
    String subject,
    Duration ttl,
    Urgency urgency,
    Duration connectTimeout,
    Duration requestTimeout,
    boolean allowPlainHttp) {

  /** The longest TTL push services keep a message: 4 weeks. */
  public static final Duration MAX_TTL = Duration.ofSeconds(2_419_200);

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);

  public WebPushSettings {
    if (vapidKeys == null) {
      throw new IllegalArgumentException(
          "WebPushSettings.vapidKeys is required: the VAPID key pair (publicKey, privateKey)");
    }
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException(
          "WebPushSettings.subject is required: a mailto: address or an https: URL where push"
              + " services can reach you");
    }
    if (!(subject.startsWith("mailto:") && subject.length() > "mailto:".length())
        && !(subject.startsWith("https://") && subject.length() > "https://".length())) {
      throw new IllegalArgumentException(
          "WebPushSettings.subject must be a mailto: address or an https: URL, got '"
              + subject
              + "'");
    }
    ttl = ttl == null ? MAX_TTL : ttl;
    if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "WebPushSettings.ttl must be between 0 and 28 days (2419200 s), got " + ttl);
    }
    urgency = urgency == null ? Urgency.NORMAL : urgency;
    connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    requestTimeout = positive("requestTimeout", requestTimeout, DEFAULT_REQUEST_TIMEOUT);
  }

  /** Settings with every default: TTL 28 days, normal urgency, 5 s / 15 s timeouts, https only. */
  public static WebPushSettings of(VapidKeys vapidKeys, String subject) {
    return new WebPushSettings(vapidKeys, subject, null, null, null, null, false);
  }

  /** These settings with other timeouts. */
  public WebPushSettings withTimeouts(Duration connect, Duration request) {
    return new WebPushSettings(vapidKeys, subject, ttl, urgency, connect, request, allowPlainHttp);
  }

  /** These settings with {@code http:} endpoints allowed (tests, local emulators). */
  public WebPushSettings withPlainHttpAllowed() {
    return new WebPushSettings(
        vapidKeys, subject, ttl, urgency, connectTimeout, requestTimeout, true);
  }

  /** The {@code Urgency} header (RFC 8030 section 5.3): how soon the device should wake for it. */
  public enum Urgency {
    VERY_LOW("very-low"),
    LOW("low"),
    NORMAL("normal"),
    HIGH("high");

    private final String header;

    Urgency(String header) {
      this.header = header;
    }

    /** The header value: {@code very-low}, {@code low}, {@code normal} or {@code high}. */
    public String header() {
      return header;
    }
  }

  private static Duration positive(String field, Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(
          "WebPushSettings." + field + " must be positive, got " + value);
    }
    return value;
  }
}
