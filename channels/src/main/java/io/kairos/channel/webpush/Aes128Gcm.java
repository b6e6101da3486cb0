package io.kairos.channel.webpush;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Web Push message encryption (RFC 8291) in one {@code aes128gcm} record (RFC 8188): the body is
 * {@code salt(16) || rs(4) || idlen(1) || keyid(65) || AES-128-GCM(plaintext || 0x02)}, where keyid
 * is the sender's ephemeral public key.
 */
final class Aes128Gcm {
  static final int RECORD_SIZE = 4096;
  static final int SALT_BYTES = 16;
  static final int AUTH_SECRET_BYTES = 16;
  static final int HEADER_BYTES = SALT_BYTES + 4 + 1 + P256.PUBLIC_KEY_BYTES;
  private static final int TAG_BYTES = 16;

  /**
   * The largest plaintext a push service has to take: a 4096-byte body less the header, the padding
   * delimiter and the GCM tag (RFC 8291 section 4).
   */
  static final int MAX_PLAINTEXT = RECORD_SIZE - HEADER_BYTES - 1 - TAG_BYTES;

  private static final byte[] KEY_INFO = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CEK_INFO =
      "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONCE_INFO =
      "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);

  private Aes128Gcm() {}

  /**
   * Encrypts one push message.
   *
   * @param plaintext at most {@link #MAX_PLAINTEXT} bytes
   * @param receiver the subscription's {@code p256dh} key
   * @param authSecret the subscription's 16-byte {@code auth} secret
   * @param sender a fresh key pair, used for this message only
   * @param salt 16 random bytes, used for this message only
   */
  static byte[] encrypt(
      byte[] plaintext, ECPublicKey receiver, byte[] authSecret, KeyPair sender, byte[] salt) {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "plaintext is " + plaintext.length + " bytes, more than " + MAX_PLAINTEXT);
    }
    if (authSecret.length != AUTH_SECRET_BYTES || salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("auth secret and salt must be 16 bytes each");
    }
    try {
      byte[] senderPublic = P256.encode((ECPublicKey) sender.getPublic());
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(sender.getPrivate());
      agreement.doPhase(receiver, true);
      byte[] ecdhSecret = agreement.generateSecret();

      // RFC 8291 section 3.3: the auth secret salts the ECDH secret, bound to both public keys.
      byte[] prkKey = hmac(authSecret, ecdhSecret);
      byte[] ikm =
          hmac(prkKey, concat(KEY_INFO, P256.encode(receiver), senderPublic, new byte[] {1}));
      // RFC 8188 section 2.2 and 2.3: the content key and nonce from the per-message salt.
      byte[] prk = hmac(salt, ikm);
      byte[] cek = Arrays.copyOf(hmac(prk, concat(CEK_INFO, new byte[] {1})), 16);
      byte[] nonce = Arrays.copyOf(hmac(prk, concat(NONCE_INFO, new byte[] {1})), 12);

      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(cek, "AES"),
          new GCMParameterSpec(TAG_BYTES * 8, nonce));
      // One record, the last: the delimiter 0x02 and no further padding.
      byte[] ciphertext = cipher.doFinal(concat(plaintext, new byte[] {2}));

      return ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
          .put(salt)
          .putInt(RECORD_SIZE)
          .put((byte) senderPublic.length)
          .put(senderPublic)
          .put(ciphertext)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Web Push encryption failed in the JDK's crypto", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }
}
