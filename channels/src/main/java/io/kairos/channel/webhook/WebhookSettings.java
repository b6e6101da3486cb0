package io.kairos.channel.webhook;

import io.kairos.channel.http.SettingChecks;
import io.kairos.channel.http.SsrfGuard;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * How the webhook channel signs and sends. Start from {@link #defaults} and change what differs.
 *
 * @param signingSecret the Standard Webhooks secret: {@code whsec_} and 24 to 64 bytes in base64
 * @param connectTimeout how long to wait for a connection (default 5 s)
 * @param requestTimeout how long to wait for the whole answer once connecting starts (default 15
 *     s); no answer by then is {@code Ambiguous}
 * @param maxResponseBytes how much of an answer's body is read (default 64 KiB); the rest is never
 *     read, the connection is closed
 * @param allowList host names, IP addresses and CIDR blocks exempt from the SSRF guard (default
 *     none)
 * @param clock the time for {@code webhook-timestamp} and {@code Retry-After} dates
 */
public record WebhookSettings(
    String signingSecret,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxResponseBytes,
    List<String> allowList,
    InstantSource clock) {

  static final int MAX_RESPONSE_BYTES_LIMIT = 16 * 1024 * 1024;

  public WebhookSettings {
    checkSecret(signingSecret);
    SettingChecks.positive("webhook.connectTimeout", connectTimeout);
    SettingChecks.positive("webhook.requestTimeout", requestTimeout);
    SettingChecks.between(
        "webhook.maxResponseBytes", maxResponseBytes, 0, MAX_RESPONSE_BYTES_LIMIT);
    if (allowList == null) {
      throw new IllegalArgumentException("webhook.allowList is required (may be empty)");
    }
    allowList = List.copyOf(allowList);
    new SsrfGuard(allowList, "webhook.allowList"); // fails on a malformed entry, now
    if (clock == null) {
      throw new IllegalArgumentException("webhook.clock is required");
    }
  }

  /** 5 s to connect, 15 s for the answer, 64 KiB read, nothing allow-listed, the system clock. */
  public static WebhookSettings defaults(String signingSecret) {
    return new WebhookSettings(
        signingSecret,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        64 * 1024,
        List.of(),
        InstantSource.system());
  }

  public WebhookSettings withConnectTimeout(Duration d) {
    return new WebhookSettings(
        signingSecret, d, requestTimeout, maxResponseBytes, allowList, clock);
  }

  public WebhookSettings withRequestTimeout(Duration d) {
    return new WebhookSettings(
        signingSecret, connectTimeout, d, maxResponseBytes, allowList, clock);
  }

  public WebhookSettings withMaxResponseBytes(int n) {
    return new WebhookSettings(signingSecret, connectTimeout, requestTimeout, n, allowList, clock);
  }

  public WebhookSettings withAllowList(List<String> entries) {
    return new WebhookSettings(
        signingSecret, connectTimeout, requestTimeout, maxResponseBytes, entries, clock);
  }

  public WebhookSettings withClock(InstantSource c) {
    return new WebhookSettings(
        signingSecret, connectTimeout, requestTimeout, maxResponseBytes, allowList, c);
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "WebhookSettings[signingSecret=whsec_***, connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", maxResponseBytes="
        + maxResponseBytes
        + ", allowList="
        + allowList
        + "]";
  }

  private static void checkSecret(String secret) {
    String field = "webhook.signingSecret";
    SettingChecks.required(field, secret);
    if (!secret.startsWith(WebhookSignature.PREFIX)) {
      throw new IllegalArgumentException(
          field + " must start with whsec_ (the Standard Webhooks secret format)");
    }
    byte[] key;
    try {
      key = WebhookSignature.key(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not base64 after whsec_");
    }
    if (key.length < 24 || key.length > 64) {
      throw new IllegalArgumentException(
          field + " must hold 24 to 64 bytes after whsec_, got " + key.length);
    }
  }
}
