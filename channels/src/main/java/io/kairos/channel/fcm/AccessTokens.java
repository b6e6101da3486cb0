package io.kairos.channel.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.channel.Outcome;
import io.kairos.channel.http.HttpCalls;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * OAuth 2.0 access tokens for FCM from a service account (RFC 7523 JWT bearer grant), kept until
 * shortly before they expire. One token serves every send; concurrent senders wait for one exchange
 * rather than each starting their own.
 */
final class AccessTokens {
  static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

  /** Renew this long before expiry, so a token never runs out in flight. */
  private static final Duration MARGIN = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final int MAX_ANSWER_BYTES = 64 * 1024;

  private final ServiceAccount account;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Duration overall;
  private final Clock clock;

  private String token;
  private Instant renewAt = Instant.MIN;

  AccessTokens(
      ServiceAccount account,
      HttpClient http,
      Duration connectTimeout,
      Duration requestTimeout,
      Clock clock) {
    this.account = account;
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.overall = connectTimeout.plus(requestTimeout);
    this.clock = clock;
  }

  /** A token, or why none could be had. */
  sealed interface Result {}

  record Token(String value) implements Result {}

  /** No token: the outcome for the message that needed it (nothing was sent). */
  record Refused(Outcome outcome) implements Result {}

  /** The cached token, or a new one when there is none or it is about to expire. */
  synchronized Result current() {
    Instant now = clock.instant();
    if (token != null && now.isBefore(renewAt)) {
      return new Token(token);
    }
    token = null;
    return fetch(now);
  }

  /** Drops {@code rejected} (FCM answered 401 to it), unless a newer token replaced it already. */
  synchronized void invalidate(String rejected) {
    if (rejected.equals(token)) {
      token = null;
    }
  }

  private Result fetch(Instant now) {
    HttpRequest request =
        HttpRequest.newBuilder(account.tokenUri())
            .timeout(requestTimeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="
                        + assertion(now)))
            .build();
    HttpCalls.Result result = HttpCalls.exchange(http, request, MAX_ANSWER_BYTES, overall);
    if (result instanceof HttpCalls.Broken broken) {
      // Nothing went to FCM yet, so even a lost answer here leaves the message safe to retry.
      Outcome outcome = broken.outcome();
      return new Refused(
          new Outcome.Retry("getting an FCM access token: " + outcome.detail(), null));
    }
    HttpCalls.Answer answer = (HttpCalls.Answer) result;
    int status = answer.status();
    if (status == 429 || status >= 500) {
      return new Refused(
          new Outcome.Retry(
              "token endpoint busy or failing (" + status + ")",
              HttpCalls.retryAfter(answer.headers(), clock)));
    }
    if (status != 200) {
      return new Refused(
          new Outcome.Failed(
              "token endpoint refused the service account "
                  + account.clientEmail()
                  + " ("
                  + status
                  + "): "
                  + HttpCalls.excerpt(answer.body())));
    }
    try {
      JsonNode reply = JSON.readTree(answer.body());
      JsonNode accessToken = reply.path("access_token");
      JsonNode expiresIn = reply.path("expires_in");
      if (!accessToken.isTextual()
          || accessToken.asText().isEmpty()
          || !expiresIn.canConvertToLong()) {
        return new Refused(
            new Outcome.Retry(
                "token endpoint answered without access_token and expires_in: "
                    + HttpCalls.excerpt(answer.body()),
                null));
      }
      Duration lifetime = Duration.ofSeconds(Math.max(0, expiresIn.asLong()));
      Duration margin =
          lifetime.dividedBy(2).compareTo(MARGIN) < 0 ? lifetime.dividedBy(2) : MARGIN;
      token = accessToken.asText();
      renewAt = now.plus(lifetime).minus(margin);
      return new Token(token);
    } catch (IOException e) {
      return new Refused(
          new Outcome.Retry(
              "token endpoint answered with malformed JSON: " + HttpCalls.excerpt(answer.body()),
              null));
    }
  }

  /** The signed JWT (RS256) that asks for a token (RFC 7523 section 2.1). */
  String assertion(Instant now) {
    ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
    if (account.privateKeyId() != null) {
      header.put("kid", account.privateKeyId());
    }
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", account.clientEmail())
            .put("scope", SCOPE)
            .put("aud", account.tokenUri().toString())
            .put("iat", now.getEpochSecond())
            .put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
    String signingInput = base64url(header.toString()) + "." + base64url(claims.toString());
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(account.privateKey());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + BASE64URL.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing the service-account JWT failed", e);
    }
  }

  private static String base64url(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
