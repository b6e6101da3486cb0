package io.kairos.channel.webpush;

import io.kairos.channel.Content;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The browser's side of a subscription: its key pair and auth secret, and the receiver's half of
 * RFC 8291 written from the RFC, apart from the production code (its own HKDF, its own key import
 * through X.509 encoding), so a round trip checks the sender against the standard.
 */
final class Browser {
  /** The fixed DER prefix of an X.509 SubjectPublicKeyInfo holding an uncompressed P-256 point. */
  private static final byte[] P256_SPKI_PREFIX =
      hex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

  final KeyPair keys;
  final byte[] auth;

  Browser() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    keys = generator.generateKeyPair();
    auth = new byte[16];
    new SecureRandom().nextBytes(auth);
  }

  Content.WebPushSubscription subscription(String endpoint) {
    return new Content.WebPushSubscription(endpoint, b64(rawPublic(keys.getPublic())), b64(auth));
  }

  String decrypt(byte[] body) throws Exception {
    return decrypt(body, keys.getPrivate(), rawPublic(keys.getPublic()), auth);
  }

  /** RFC 8291 section 3.4 and RFC 8188 section 2, from the receiving end. */
  static String decrypt(byte[] body, PrivateKey uaPrivate, byte[] uaPublic, byte[] authSecret)
      throws Exception {
    ByteBuffer in = ByteBuffer.wrap(body);
    byte[] salt = new byte[16];
    in.get(salt);
    int recordSize = in.getInt();
    byte[] keyId = new byte[in.get() & 0xff];
    in.get(keyId);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    if (recordSize != 4096 || ciphertext.length > recordSize) {
      throw new AssertionError("record size " + recordSize + ", ciphertext " + ciphertext.length);
    }

    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(uaPrivate);
    agreement.doPhase(publicKey(keyId), true);
    byte[] ecdhSecret = agreement.generateSecret();

    byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, keyId);
    byte[] ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
    byte[] cek =
        hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce =
        hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);

    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] padded = cipher.doFinal(ciphertext);
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 2) {
      throw new AssertionError("the last record must end with the delimiter 0x02");
    }
    return new String(Arrays.copyOf(padded, end), StandardCharsets.UTF_8);
  }

  static PublicKey publicKey(byte[] uncompressed) throws Exception {
    return KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(concat(P256_SPKI_PREFIX, uncompressed)));
  }

  static byte[] rawPublic(PublicKey key) {
    byte[] spki = key.getEncoded();
    return Arrays.copyOfRange(spki, spki.length - 65, spki.length);
  }

  /** HKDF-SHA-256 (RFC 5869), for outputs of at most one block. */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws Exception {
    Mac extract = Mac.getInstance("HmacSHA256");
    extract.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = extract.doFinal(ikm);
    Mac expand = Mac.getInstance("HmacSHA256");
    expand.init(new SecretKeySpec(prk, "HmacSHA256"));
    expand.update(info);
    expand.update((byte) 1);
    return Arrays.copyOf(expand.doFinal(), length);
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] unb64(String text) {
    return Base64.getUrlDecoder().decode(text);
  }

  static byte[] concat(byte[]... parts) {
    byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  static byte[] hex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
