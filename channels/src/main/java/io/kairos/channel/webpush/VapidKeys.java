package io.kairos.channel.webpush;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.function.Function;

/**
 * The application server's VAPID key pair (RFC 8292), P-256. The public key is what browsers get as
 * {@code applicationServerKey} when they subscribe; a subscription made with one public key only
 * takes messages signed with its private key, so the pair must stay the same for as long as its
 * subscriptions live.
 *
 * <p>Both keys travel as base64url without padding, as web-push libraries print them: the public
 * key a 65-byte uncompressed point, the private key a 32-byte scalar.
 */
public final class VapidKeys {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final ECPublicKey publicKey;
  private final ECPrivateKey privateKey;

  private VapidKeys(ECPublicKey publicKey, ECPrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  /**
   * Reads a pair from its base64url forms.
   *
   * @throws IllegalArgumentException naming {@code publicKey} or {@code privateKey} and what is
   *     wrong, or saying that the two do not belong together
   */
  public static VapidKeys fromBase64Url(String publicKey, String privateKey) {
    ECPublicKey pub = read("publicKey", publicKey, P256::publicKey);
    ECPrivateKey priv = read("privateKey", privateKey, P256::privateKey);
    VapidKeys keys = new VapidKeys(pub, priv);
    // A swapped or stale half would sign tokens every push service refuses: catch it at start-up.
    if (!keys.belongTogether()) {
      throw new IllegalArgumentException(
          "VAPID publicKey does not belong to privateKey: they are not one key pair");
    }
    return keys;
  }

  /** A new random pair, for an operator setting up Web Push. */
  public static VapidKeys generate() {
    KeyPair pair = P256.generate();
    return new VapidKeys((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
  }

  /** The public key, base64url: the {@code applicationServerKey} browsers subscribe with. */
  public String publicKey() {
    return BASE64URL.encodeToString(P256.encode(publicKey));
  }

  /** The private key, base64url: a secret, to be kept with the server's configuration. */
  public String privateKey() {
    return BASE64URL.encodeToString(P256.encode(privateKey));
  }

  ECPrivateKey signingKey() {
    return privateKey;
  }

  ECPublicKey verifyingKey() {
    return publicKey;
  }

  /** Names the public key only: the private key stays out of logs. */
  @Override
  public String toString() {
    return "VapidKeys[publicKey=" + publicKey() + "]";
  }

  private boolean belongTogether() {
    try {
      byte[] probe = "kairos vapid key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot sign with P-256", e);
    }
  }

  private static <T> T read(String field, String text, Function<byte[], T> parse) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("VAPID " + field + " is missing");
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "VAPID " + field + " is not base64url (A-Z a-z 0-9 - _): " + e.getMessage(), e);
    }
    try {
      return parse.apply(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("VAPID " + field + " " + e.getMessage(), e);
    }
  }
}
