package io.kairos.server.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class LinkSignerTest {
  private final LinkSigner signer = new LinkSigner(LinkSigner.newSecret());

  private static final LinkToken CLICK =
      new LinkToken(
          LinkToken.Purpose.CLICK,
          "default",
          "7d8f3c1e-0b7a-3a4e-9c1d-2f6b5e4a3c21",
          "ana",
          "email",
          "promotions",
          "marketing",
          "https://shop.example/p/9?utm_source=email&x=ü");

  @Test
  void aTokenSaysWhatWasSignedAndIsUrlSafe() {
    String token = signer.sign(CLICK);
    assertThat(token).matches("[A-Za-z0-9_-]+");
    assertThat(signer.verify(token)).contains(CLICK);
    LinkToken open = CLICK.as(LinkToken.Purpose.OPEN);
    assertThat(signer.verify(signer.sign(open))).contains(open);
    assertThat(open.url()).isNull();
    // Null fields stay null.
    LinkToken bare =
        new LinkToken(LinkToken.Purpose.UNSUBSCRIBE, "w", "m", "p", "sms", null, null, null);
    assertThat(signer.verify(signer.sign(bare))).contains(bare);
  }

  @Test
  void everyChangedByteIsRefused() {
    String token = signer.sign(CLICK);
    byte[] raw = Base64.getUrlDecoder().decode(token);
    for (int i = 0; i < raw.length; i++) {
      byte[] changed = raw.clone();
      changed[i] ^= 0x01;
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(changed);
      assertThat(signer.verify(forged)).as("byte %s changed", i).isEmpty();
    }
  }

  @Test
  void forgedTruncatedAndForeignTokensAreRefused() {
    String token = signer.sign(CLICK);
    assertThat(signer.verify(token.substring(0, token.length() - 1))).isEmpty();
    assertThat(signer.verify(token + "A")).isEmpty();
    assertThat(signer.verify("")).isEmpty();
    assertThat(signer.verify(null)).isEmpty();
    assertThat(signer.verify("not a token!")).isEmpty();
    assertThat(signer.verify("x")).isEmpty();
    // Another key (another installation) signed it.
    assertThat(new LinkSigner(LinkSigner.newSecret()).verify(token)).isEmpty();
    // The same key from its stored form accepts it: links survive restarts.
    String secret = LinkSigner.newSecret();
    assertThat(new LinkSigner(secret).verify(new LinkSigner(secret).sign(CLICK))).contains(CLICK);
  }

  @Test
  void anotherWorkspaceOrUrlCannotBeSpliced() {
    // A token made for workspace b cannot carry a's signature, and a URL cannot be swapped.
    LinkToken other =
        new LinkToken(
            CLICK.purpose(),
            "b",
            CLICK.messageId(),
            CLICK.profile(),
            CLICK.channel(),
            CLICK.topic(),
            CLICK.category(),
            "https://evil.example/");
    String a = signer.sign(CLICK);
    String b = signer.sign(other);
    byte[] ra = Base64.getUrlDecoder().decode(a);
    byte[] rb = Base64.getUrlDecoder().decode(b);
    // b's fields with a's signature
    byte[] spliced = java.util.Arrays.copyOf(rb, rb.length);
    System.arraycopy(ra, ra.length - 16, spliced, spliced.length - 16, 16);
    assertThat(signer.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(spliced)))
        .isEmpty();
  }
}
