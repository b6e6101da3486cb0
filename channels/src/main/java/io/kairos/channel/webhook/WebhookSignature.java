package io.kairos.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhooks per Standard Webhooks (standardwebhooks.com): {@code
 * webhook-signature} is {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
 * where the key is the base64 part of a {@code whsec_...} secret. A receiver calls {@link #verify}
 * with the raw body it received (not re-serialised JSON).
 */
public final class WebhookSignature {

  /** How far a timestamp may be from the receiver's clock, either way (the libraries' default). */
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  static final String PREFIX = "whsec_";

  private WebhookSignature() {}

  /** A new random secret: {@code whsec_} and 32 random bytes in base64. */
  public static String newSecret() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} value for one attempt. */
  public static String sign(String secret, String id, long timestamp, String body) {
    return sign(key(secret), id, timestamp, body);
  }

  static String sign(byte[] key, String id, long timestamp, String body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + timestamp + "." + body));
  }

  /**
   * Checks a received webhook against the current time with the default {@link #TOLERANCE}.
   *
   * @param secret the endpoint's secret ({@code whsec_...}; the bare base64 part is accepted too)
   * @param id the {@code webhook-id} header
   * @param timestamp the {@code webhook-timestamp} header
   * @param body the raw request body
   * @param header the {@code webhook-signature} header: one or more space-separated {@code v1,...}
   *     signatures (several during a secret rotation); one match is enough
   */
  public static Verdict verify(
      String secret, String id, String timestamp, String body, String header) {
    return verify(secret, id, timestamp, body, header, Instant.now(), TOLERANCE);
  }

  /** As {@link #verify(String, String, String, String, String)}, with the clock and tolerance. */
  public static Verdict verify(
      String secret,
      String id,
      String timestamp,
      String body,
      String header,
      Instant now,
      Duration tolerance) {
    if (id == null || timestamp == null || header == null || body == null) {
      return new Verdict.Invalid("a webhook-id, webhook-timestamp or webhook-signature is missing");
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return new Verdict.Invalid("webhook-timestamp '" + timestamp + "' is not epoch seconds");
    }
    long skew = now.getEpochSecond() - ts;
    if (skew > tolerance.toSeconds()) {
      return new Verdict.Invalid("webhook-timestamp is " + skew + " s old (replay?)");
    }
    if (-skew > tolerance.toSeconds()) {
      return new Verdict.Invalid("webhook-timestamp is " + -skew + " s in the future");
    }
    byte[] expected =
        sign(key(secret), id, ts, body).substring(3).getBytes(StandardCharsets.US_ASCII);
    for (String part : header.trim().split(" +")) {
      if (part.startsWith("v1,")
          && MessageDigest.isEqual(
              expected, part.substring(3).getBytes(StandardCharsets.US_ASCII))) {
        return new Verdict.Valid();
      }
    }
    return new Verdict.Invalid("no v1 signature matches");
  }

  /**
   * The HMAC key of a secret: the base64 after {@code whsec_} (or the whole value without it).
   *
   * @throws IllegalArgumentException when it is not base64
   */
  static byte[] key(String secret) {
    if (secret == null) {
      throw new IllegalArgumentException("the webhook secret is missing");
    }
    String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the webhook secret is not base64 after whsec_", e);
    }
  }

  private static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** Whether a received webhook is authentic and fresh. */
  public sealed interface Verdict {
    /** Whether it passed. */
    boolean valid();

    /** Authentic and within the tolerance. */
    record Valid() implements Verdict {
      @Override
      public boolean valid() {
        return true;
      }
    }

    /** Not to be trusted; answer 401 and do not process it. */
    record Invalid(String reason) implements Verdict {
      @Override
      public boolean valid() {
        return false;
      }
    }
  }
}
