package io.kairos.channel.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import org.junit.jupiter.api.Test;

/** The encryption against the worked example in RFC 8291, section 5 / Appendix A. */
class Aes128GcmTest {
  private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
  private static final String AS_PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
  private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
  private static final String UA_PUBLIC =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
  private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
  private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
  private static final String BODY =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
          + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
          + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

  @Test
  void theRfcKeysAndSaltGiveTheRfcBodyByteForByte() {
    KeyPair sender =
        new KeyPair(
            P256.publicKey(Browser.unb64(AS_PUBLIC)), P256.privateKey(Browser.unb64(AS_PRIVATE)));

    byte[] body =
        Aes128Gcm.encrypt(
            PLAINTEXT.getBytes(StandardCharsets.UTF_8),
            P256.publicKey(Browser.unb64(UA_PUBLIC)),
            Browser.unb64(AUTH),
            sender,
            Browser.unb64(SALT));

    assertThat(Browser.b64(body)).isEqualTo(BODY);
  }

  @Test
  void theTestsReceiverReadsTheRfcBody() throws Exception {
    ECPrivateKey uaPrivate = P256.privateKey(Browser.unb64(UA_PRIVATE));

    String plaintext =
        Browser.decrypt(
            Browser.unb64(BODY), uaPrivate, Browser.unb64(UA_PUBLIC), Browser.unb64(AUTH));

    assertThat(plaintext).isEqualTo(PLAINTEXT);
  }

  @Test
  void theLargestPlaintextFillsOneRecordOf4096Bytes() {
    assertThat(Aes128Gcm.MAX_PLAINTEXT).isEqualTo(3993);
  }
}
