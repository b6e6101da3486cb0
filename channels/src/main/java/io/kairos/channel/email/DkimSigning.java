package io.kairos.channel.email;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import java.util.Locale;
import org.simplejavamail.utils.mail.dkim.Canonicalization;
import org.simplejavamail.utils.mail.dkim.DkimMessage;
import org.simplejavamail.utils.mail.dkim.DkimSigner;
import org.simplejavamail.utils.mail.dkim.SigningAlgorithm;

/**
 * DKIM signing (RFC 6376: rsa-sha256, relaxed/relaxed) through utils-mail-dkim.
 *
 * <p>A {@link DkimSigner} keeps one {@code Signature} and one {@code MessageDigest}, so it must not
 * sign on two threads at once: each sending thread gets its own.
 */
final class DkimSigning {

  /**
   * Signed on top of the library's defaults (From, To, Subject, Date, Message-ID, MIME-Version,
   * Content-Type, Content-Transfer-Encoding, Reply-To, List-Unsubscribe, ...): RFC 8058 requires
   * both List-Unsubscribe headers to be covered by the signature.
   */
  static final List<String> EXTRA_SIGNED_HEADERS = List.of("List-Unsubscribe-Post");

  private final ThreadLocal<DkimSigner> signers;

  DkimSigning(String domain, String selector, RSAPrivateKey key) {
    // The library lower-cases header names with the default locale: under Turkish or Azerbaijani
    // rules "Message-ID" becomes "message-ıd" and no receiver could verify the signature.
    if (!"i".equals("I".toLowerCase())) {
      throw new IllegalStateException(
          "smtp.dkim: DKIM signing needs a JVM default locale that lower-cases 'I' to 'i' (this"
              + " one is "
              + Locale.getDefault().toLanguageTag()
              + "); start Kairos with -Duser.language=en");
    }
    newSigner(domain, selector, key); // fail now, not on the first send
    this.signers = ThreadLocal.withInitial(() -> newSigner(domain, selector, key));
  }

  private static DkimSigner newSigner(String domain, String selector, RSAPrivateKey key) {
    DkimSigner signer = new DkimSigner(domain, selector, key);
    signer.setSigningAlgorithm(SigningAlgorithm.SHA256_WITH_RSA);
    signer.setHeaderCanonicalization(Canonicalization.RELAXED);
    signer.setBodyCanonicalization(Canonicalization.RELAXED);
    // The library can look the public key up in DNS before signing; sending must not need DNS.
    signer.setCheckDomainKey(false);
    EXTRA_SIGNED_HEADERS.forEach(signer::addHeaderToSign);
    return signer;
  }

  /** The message as it goes on the wire, with a {@code DKIM-Signature} header first. */
  byte[] sign(MimeMessage message) throws MessagingException, IOException {
    DkimMessage signed = new DkimMessage(message, signers.get());
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    signed.writeTo(out);
    return out.toByteArray();
  }
}
