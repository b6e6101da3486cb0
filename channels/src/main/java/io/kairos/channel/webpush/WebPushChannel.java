package io.kairos.channel.webpush;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.HttpCalls;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Web Push (RFC 8030) to browsers: the payload encrypted per RFC 8291 ({@code aes128gcm}), the
 * server identified by VAPID (RFC 8292). Handles {@link Content.WebPushSubscription} targets.
 *
 * <p>The browser's service worker receives this JSON: {@code {"title", "body", "icon"?, "url"?,
 * "data": {...}, "id"}}, where {@code id} is the message id.
 *
 * <p>Each message carries a {@code Topic} derived from its id: if an attempt's answer was lost and
 * the message is sent again while the first copy still waits at the push service, the second
 * replaces the first instead of showing twice.
 */
public final class WebPushChannel implements Channel {
  /** The largest payload JSON, in UTF-8 bytes, that every push service must take. */
  public static final int MAX_PAYLOAD_BYTES = Aes128Gcm.MAX_PLAINTEXT;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final int MAX_ANSWER_BYTES = 8 * 1024;

  private final WebPushSettings settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final HttpClient http;

  /** A channel with the system clock. */
  public WebPushChannel(WebPushSettings settings) {
    this(settings, Clock.systemUTC());
  }

  WebPushChannel(WebPushSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpCalls.client(settings.connectTimeout());
  }

  @Override
  public String name() {
    return "push";
  }

  @Override
  public Outcome send(Delivery delivery) {
    if (!(delivery.content() instanceof Content.Push push)) {
      return new Outcome.Failed(
          "not a push message: " + delivery.content().getClass().getSimpleName());
    }
    if (!(push.target() instanceof Content.WebPushSubscription subscription)) {
      return new Outcome.Failed("not a web push subscription");
    }
    URI endpoint;
    ECPublicKey receiverKey;
    byte[] authSecret;
    try {
      endpoint = endpoint(subscription.endpoint());
      receiverKey = P256.publicKey(base64url("p256dh", subscription.p256dh()));
      authSecret = base64url("auth", subscription.auth());
      if (authSecret.length != Aes128Gcm.AUTH_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "subscription auth must be 16 bytes, got " + authSecret.length);
      }
    } catch (IllegalArgumentException e) {
      return new Outcome.Failed("unusable subscription: " + e.getMessage());
    }

    byte[] plaintext = payload(delivery.id(), push);
    if (plaintext.length > MAX_PAYLOAD_BYTES) {
      return new Outcome.Failed(
          "payload too large: "
              + plaintext.length
              + " bytes of JSON, a push service need take only "
              + MAX_PAYLOAD_BYTES
              + "; shorten the title, body or data");
    }
    byte[] salt = new byte[Aes128Gcm.SALT_BYTES];
    random.nextBytes(salt);
    byte[] body = Aes128Gcm.encrypt(plaintext, receiverKey, authSecret, P256.generate(), salt);

    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/octet-stream")
            .header("Content-Encoding", "aes128gcm")
            .header("TTL", Long.toString(settings.ttl().toSeconds()))
            .header("Urgency", settings.urgency().header())
            .header("Topic", topic(delivery.id()))
            .header(
                "Authorization",
                Vapid.authorization(
                    settings.vapidKeys(), settings.subject(), endpoint, clock.instant()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpCalls.Result result =
        HttpCalls.exchange(
            http,
            request,
            MAX_ANSWER_BYTES,
            settings.connectTimeout().plus(settings.requestTimeout()));
    if (result instanceof HttpCalls.Broken broken) {
      return broken.outcome();
    }
    return judge((HttpCalls.Answer) result);
  }

  private Outcome judge(HttpCalls.Answer answer) {
    int status = answer.status();
    String said = answer.body().isBlank() ? "" : ": " + HttpCalls.excerpt(answer.body());
    if (status == 200 || status == 201 || status == 202) {
      return new Outcome.Sent(
          answer.headers().firstValue("Location").orElse(null),
          "push service took it (" + status + ")");
    }
    if (status == 404 || status == 410) {
      return new Outcome.Gone("push subscription expired or unsubscribed (" + status + ")" + said);
    }
    if (status == 429 || status >= 500) {
      return new Outcome.Retry(
          "push service busy or failing (" + status + ")" + said,
          HttpCalls.retryAfter(answer.headers(), clock));
    }
    if (status == 413) {
      return new Outcome.Failed("push service refused the payload as too large (413)" + said);
    }
    return new Outcome.Failed("push service refused the message (" + status + ")" + said);
  }

  private URI endpoint(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("subscription endpoint is missing");
    }
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("subscription endpoint is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean allowed =
        scheme.equals("https") || (scheme.equals("http") && settings.allowPlainHttp());
    if (!allowed || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "subscription endpoint must be an https URL"
              + (settings.allowPlainHttp() ? " or an http URL" : "")
              + ", got '"
              + text
              + "'");
    }
    return uri;
  }

  private static byte[] base64url(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("subscription " + field + " is missing");
    }
    try {
      return Base64.getUrlDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("subscription " + field + " is not base64url");
    }
  }

  static byte[] payload(String id, Content.Push push) {
    ObjectNode json = JSON.createObjectNode();
    json.put("title", push.title());
    json.put("body", push.body());
    if (push.icon() != null) {
      json.put("icon", push.icon());
    }
    if (push.url() != null) {
      json.put("url", push.url());
    }
    ObjectNode data = json.putObject("data");
    if (push.data() != null) {
      for (Map.Entry<String, String> entry : push.data().entrySet()) {
        data.put(entry.getKey(), entry.getValue());
      }
    }
    json.put("id", id);
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** 32 characters of the URL-safe alphabet, as RFC 8030 section 5.4 allows for a Topic. */
  static String topic(String messageId) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
      return BASE64URL.encodeToString(Arrays.copyOf(hash, 24));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
