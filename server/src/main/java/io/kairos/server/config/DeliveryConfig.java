package io.kairos.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code delivery.*} and {@code channels.*} keys (docs/operations.md), validated. A channel
 * whose provider is not configured is left null: its messages fail with a reason naming the keys.
 *
 * @param rates messages per second per channel; a channel without a rate is unlimited
 * @param providerRates messages per second per provider ({@code fcm}, {@code webpush}, {@code
 *     webhook:<host>}); a provider without a rate is limited by its channel's only
 */
public record DeliveryConfig(
    boolean enabled,
    int threads,
    int inFlight,
    Duration poll,
    int maxAttempts,
    Duration retryBase,
    Duration retryMax,
    Duration maxAge,
    Map<String, Double> rates,
    Map<String, Double> providerRates,
    Email email,
    Sms sms,
    Push push,
    Webhook webhook,
    Tracking tracking) {

  /**
   * Email over SMTP; null when {@code channels.email.smtp.host} is empty.
   *
   * @param security starttls, tls or none
   */
  public record Email(
      String from,
      String replyTo,
      String host,
      int port,
      String security,
      String username,
      String password,
      Duration timeout,
      String messageIdDomain,
      String dkimDomain,
      String dkimSelector,
      Path dkimKeyFile) {}

  /**
   * SMS; null when {@code channels.sms.provider} is empty.
   *
   * @param provider twilio or http
   */
  public record Sms(
      String provider,
      String from,
      String twilioAccountSid,
      String twilioAuthToken,
      String twilioMessagingServiceSid,
      String twilioBaseUrl,
      String httpUrl,
      String httpToken) {}

  /** Push: Web Push (VAPID keys set) and/or FCM (a service account file set); null when neither. */
  public record Push(
      String vapidPublicKey,
      String vapidPrivateKey,
      String vapidSubject,
      Path fcmServiceAccount,
      String fcmBaseUrl) {}

  /**
   * Webhooks (always on).
   *
   * @param secret the Standard Webhooks signing secret ({@code whsec_...}), or null to generate one
   *     on first start and keep it in the store
   * @param allow hosts and CIDR ranges the SSRF guard lets through
   */
  public record Webhook(String secret, List<String> allow, Duration timeout) {}

  /**
   * Links in messages and provider callbacks.
   *
   * @param publicUrl the base URL people and providers reach the server at, without a trailing
   *     slash; null: {@code http://server.host:server.port}
   * @param opens whether HTML email gets an open pixel
   * @param clicks whether links in email go through signed click redirects
   * @param unsubscribeMailto an address for a {@code mailto:} List-Unsubscribe, or null
   */
  public record Tracking(
      String publicUrl, boolean opens, boolean clicks, String unsubscribeMailto) {}
}
