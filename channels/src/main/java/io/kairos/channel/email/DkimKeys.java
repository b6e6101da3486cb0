package io.kairos.channel.email;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Reads the DKIM private key from PEM text with the JDK alone. */
final class DkimKeys {
  private static final String KEY = "smtp.dkim.private_key";
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";
  // RFC 8301: verifiers reject RSA keys shorter than 1024 bits.
  private static final int MIN_BITS = 1024;

  private DkimKeys() {}

  /** The RSA key in {@code pem}, or an exception naming the key and what is wrong with it. */
  static RSAPrivateKey parsePrivateKey(String pem) {
    String text = pem.strip();
    if (text.startsWith("-----BEGIN RSA PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          KEY
              + ": this is a PKCS#1 key (BEGIN RSA PRIVATE KEY); convert it to PKCS#8 with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem'");
    }
    if (text.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          KEY + ": the key is encrypted; give the unencrypted PKCS#8 key (openssl pkcs8 -nocrypt)");
    }
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin != 0 || end < 0) {
      throw new IllegalArgumentException(
          KEY + ": must be PEM text from '" + BEGIN + "' to '" + END + "'");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(KEY + ": the PEM body is not valid base64", e);
    }
    RSAPrivateKey key;
    try {
      key =
          (RSAPrivateKey)
              KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(
          KEY + ": not an RSA private key in PKCS#8 form (" + e.getMessage() + ")", e);
    }
    int bits = key.getModulus().bitLength();
    if (bits < MIN_BITS) {
      throw new IllegalArgumentException(
          KEY + ": the RSA key has " + bits + " bits; DKIM needs at least 1024 (2048 advised)");
    }
    return key;
  }
}
