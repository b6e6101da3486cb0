package io.kairos.channel.webpush;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * VAPID (RFC 8292): the {@code Authorization} header that identifies this server to a push service.
 */
final class Vapid {
  /** How long a token is good for: RFC 8292 allows at most 24 hours. */
  static final Duration LIFETIME = Duration.ofHours(12);

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER =
      BASE64URL.encodeToString(
          "{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

  private Vapid() {}

  /** {@code vapid t=<ES256 JWT>, k=<public key>} for a request to {@code endpoint}. */
  static String authorization(VapidKeys keys, String subject, URI endpoint, Instant now) {
    ObjectNode claims = JSON.createObjectNode();
    claims.put("aud", origin(endpoint));
    claims.put("exp", now.plus(LIFETIME).getEpochSecond());
    claims.put("sub", subject);
    String signingInput =
        HEADER + "." + BASE64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    return "vapid t="
        + signingInput
        + "."
        + BASE64URL.encodeToString(sign(keys, signingInput))
        + ", k="
        + keys.publicKey();
  }

  /** The endpoint's origin, the token's audience: scheme, host and a non-default port. */
  static String origin(URI endpoint) {
    String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
    String host = endpoint.getHost().toLowerCase(Locale.ROOT);
    int port = endpoint.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("https") && port == 443)
            || (scheme.equals("http") && port == 80);
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  private static byte[] sign(VapidKeys keys, String signingInput) {
    try {
      // JOSE wants the raw R || S (64 bytes), not the DER the plain algorithm gives.
      Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(keys.signingKey());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot sign ES256", e);
    }
  }
}
