package io.kairos.server.engagement;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the tokens of links in messages: {@code base64url(fields || HMAC-SHA256(fields)
 * truncated to 128 bits)}, no padding. The fields are a version byte, the purpose and each value
 * length-prefixed (so no value can be confused with another), the click's URL last.
 *
 * <p>Tokens do not expire: an unsubscribe link in a two-year-old email must still work (RFC 8058
 * and the Gmail/Yahoo bulk-sender rules ask that it keeps working), and a click on an old
 * newsletter should still reach the shop. Rotating the key ({@code link_secret} in the store's
 * settings) invalidates every link ever sent, so it is not done casually.
 */
public final class LinkSigner {
  private static final byte VERSION = 1;
  private static final int MAC_BYTES = 16;

  /** URLs longer than this are not made into click links (the token would not fit a URL well). */
  public static final int MAX_URL = 4000;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  /**
   * One initialised HMAC per thread: a {@link Mac} is not thread-safe, and finding the provider and
   * keying it for each link cost more than the MAC itself (an email has several links).
   */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  /** A signer with {@code secret} (see {@link #newSecret}) as its key. */
  public LinkSigner(String secret) {
    byte[] k = B64D.decode(secret);
    if (k.length < 32) {
      throw new IllegalArgumentException("a link secret needs at least 32 bytes");
    }
    this.key = new SecretKeySpec(k, "HmacSHA256");
  }

  /** A new random key: 32 bytes, base64url. */
  public static String newSecret() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return B64.encodeToString(k);
  }

  /** The token for {@code t}. */
  public String sign(LinkToken t) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(t.purpose().code());
      write(out, t.workspace());
      write(out, t.messageId());
      write(out, t.profile());
      write(out, t.channel());
      write(out, t.topic());
      write(out, t.category());
      write(out, t.url());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] fields = bytes.toByteArray();
    byte[] mac = mac(fields);
    byte[] all = Arrays.copyOf(fields, fields.length + MAC_BYTES);
    System.arraycopy(mac, 0, all, fields.length, MAC_BYTES);
    return B64.encodeToString(all);
  }

  /**
   * What {@code token} says, when it was signed with this key and is whole; empty for anything
   * forged, altered, truncated or malformed.
   */
  public Optional<LinkToken> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > 8192) {
      return Optional.empty();
    }
    byte[] all;
    try {
      all = B64D.decode(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (all.length <= MAC_BYTES + 2) {
      return Optional.empty();
    }
    byte[] fields = Arrays.copyOf(all, all.length - MAC_BYTES);
    byte[] given = Arrays.copyOfRange(all, all.length - MAC_BYTES, all.length);
    if (!MessageDigest.isEqual(Arrays.copyOf(mac(fields), MAC_BYTES), given)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(fields))) {
      if (in.readByte() != VERSION) {
        return Optional.empty();
      }
      LinkToken.Purpose purpose = LinkToken.Purpose.of((char) in.readByte());
      if (purpose == null) {
        return Optional.empty();
      }
      LinkToken t =
          new LinkToken(
              purpose, read(in), read(in), read(in), read(in), read(in), read(in), read(in));
      if (in.available() > 0 || t.workspace() == null || t.messageId() == null) {
        return Optional.empty();
      }
      return Optional.of(t);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(byte[] fields) {
    // doFinal resets the Mac, keyed, for the next link.
    return macs.get().doFinal(fields);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static void write(DataOutputStream out, String v) throws IOException {
    if (v == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    out.writeUTF(v);
  }

  private static String read(DataInputStream in) throws IOException {
    return in.readByte() == 0 ? null : in.readUTF();
  }
}
