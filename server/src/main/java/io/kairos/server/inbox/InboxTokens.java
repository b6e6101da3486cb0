package io.kairos.server.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.server.http.Problem;
import io.kairos.server.http.ProblemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-profile inbox tokens: what a customer's backend hands its app so that the app reads one
 * profile's inbox, and nothing else, without an API key. A token is {@code v1.<claims>.<mac>}: the
 * claims (workspace, the userId or anonymous id, expiry in epoch seconds) as base64url JSON, and an
 * HMAC-SHA256 over {@code v1.<claims>} with a key the server keeps in its store.
 */
final class InboxTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION = "v1.";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /**
   * Whose inbox a token opens.
   *
   * @param userId the userId, or null
   * @param anonymousId the anonymous id, or null (exactly one of the two is set)
   * @param expiresAt epoch seconds
   */
  record Claims(String workspace, String userId, String anonymousId, long expiresAt) {
    /** The identity, whichever it is. */
    String identity() {
      return userId != null ? userId : anonymousId;
    }
  }

  private final byte[] key;

  InboxTokens(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("an inbox token key has at least 32 bytes");
    }
    this.key = key.clone();
  }

  /** A new random key, base64url, as the store keeps it. */
  static String newKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return B64.encodeToString(k);
  }

  static InboxTokens fromStored(String key) {
    return new InboxTokens(Base64.getUrlDecoder().decode(key));
  }

  String mint(Claims c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("w", c.workspace());
    if (c.userId() != null) {
      n.put("u", c.userId());
    } else {
      n.put("a", c.anonymousId());
    }
    n.put("e", c.expiresAt());
    String signed = VERSION + B64.encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
    return signed + "." + B64.encodeToString(mac(signed));
  }

  /**
   * The claims of a token that this server signed and that has not expired at {@code nowMillis}.
   *
   * @throws ProblemException 401 otherwise
   */
  Claims verify(String token, long nowMillis) {
    int dot = token.lastIndexOf('.');
    if (!token.startsWith(VERSION) || dot <= VERSION.length()) {
      throw unauthorized("not an inbox token (mint one with POST /v1/inbox/tokens)");
    }
    String signed = token.substring(0, dot);
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw unauthorized("the inbox token's signature is not valid");
    }
    if (!MessageDigest.isEqual(mac(signed), given)) {
      throw unauthorized("the inbox token's signature is not valid");
    }
    JsonNode n;
    try {
      n = JSON.readTree(Base64.getUrlDecoder().decode(signed.substring(VERSION.length())));
    } catch (IOException | IllegalArgumentException e) {
      throw unauthorized("the inbox token cannot be read");
    }
    Claims c =
        new Claims(
            n.path("w").asText(null),
            n.path("u").asText(null),
            n.path("a").asText(null),
            n.path("e").asLong());
    if (c.workspace() == null || c.identity() == null) {
      throw unauthorized("the inbox token cannot be read");
    }
    if (nowMillis >= c.expiresAt() * 1000) {
      throw unauthorized("the inbox token expired; mint a new one with POST /v1/inbox/tokens");
    }
    return c;
  }

  private byte[] mac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static ProblemException unauthorized(String detail) {
    return new ProblemException(Problem.of(401, "Unauthorized", detail));
  }
}
