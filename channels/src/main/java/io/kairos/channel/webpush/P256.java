package io.kairos.channel.webpush;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * The P-256 curve in the raw forms Web Push uses: public keys as 65-byte uncompressed points,
 * private keys as 32-byte scalars.
 */
final class P256 {
  static final int PUBLIC_KEY_BYTES = 65;
  static final int PRIVATE_KEY_BYTES = 32;
  static final ECParameterSpec PARAMS = params();

  private P256() {}

  /**
   * Reads an uncompressed point; the message says what is wrong with it, for the caller's field.
   */
  static ECPublicKey publicKey(byte[] raw) {
    if (raw.length != PUBLIC_KEY_BYTES || raw[0] != 0x04) {
      throw new IllegalArgumentException(
          "must be a 65-byte uncompressed P-256 point (0x04 || x || y), got "
              + raw.length
              + " bytes"
              + (raw.length > 0 ? " starting 0x" + String.format("%02x", raw[0]) : ""));
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 33));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 33, 65));
    // KeyFactory takes any coordinates; a point off the curve would leak the ECDH secret.
    if (!onCurve(x, y)) {
      throw new IllegalArgumentException("is not a point on the P-256 curve");
    }
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC")
              .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("is not a usable P-256 public key: " + e.getMessage(), e);
    }
  }

  /** Reads a 32-byte scalar. */
  static ECPrivateKey privateKey(byte[] raw) {
    if (raw.length != PRIVATE_KEY_BYTES) {
      throw new IllegalArgumentException(
          "must be a 32-byte P-256 private scalar, got " + raw.length + " bytes");
    }
    BigInteger d = new BigInteger(1, raw);
    if (d.signum() == 0 || d.compareTo(PARAMS.getOrder()) >= 0) {
      throw new IllegalArgumentException("is out of range for a P-256 private key");
    }
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("is not a usable P-256 private key: " + e.getMessage(), e);
    }
  }

  static byte[] encode(ECPublicKey key) {
    byte[] out = new byte[PUBLIC_KEY_BYTES];
    out[0] = 0x04;
    unsigned(key.getW().getAffineX(), out, 1);
    unsigned(key.getW().getAffineY(), out, 33);
    return out;
  }

  static byte[] encode(ECPrivateKey key) {
    byte[] out = new byte[PRIVATE_KEY_BYTES];
    unsigned(key.getS(), out, 0);
    return out;
  }

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate P-256 keys", e);
    }
  }

  /** Writes a non-negative number as exactly 32 big-endian bytes. */
  private static void unsigned(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int start = bytes.length > 32 ? bytes.length - 32 : 0;
    int length = bytes.length - start;
    System.arraycopy(bytes, start, out, offset + 32 - length, length);
  }

  private static boolean onCurve(BigInteger x, BigInteger y) {
    BigInteger p = ((ECFieldFp) PARAMS.getCurve().getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger a = PARAMS.getCurve().getA();
    BigInteger b = PARAMS.getCurve().getB();
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.pow(3).add(a.multiply(x)).add(b).mod(p);
    return left.equals(right);
  }

  private static ECParameterSpec params() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no P-256 curve", e);
    }
  }
}
