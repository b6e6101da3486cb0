package io.kairos.channel.email;

import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;

/** Emails, deliveries and keys for the tests. */
final class TestEmails {
  private TestEmails() {}

  static Content.Email email(String to) {
    return new Content.Email(
        "Shop <news@shop.example>",
        null,
        to,
        "Your cart",
        null,
        "<html><body><p>Hello</p></body></html>",
        "Hello",
        null,
        null,
        Map.of());
  }

  static Delivery delivery(String id, Content content) {
    return new Delivery(id, "ws1", "p1", 1, content);
  }

  static Delivery delivery(String id, int attempt, Content content) {
    return new Delivery(id, "ws1", "p1", attempt, content);
  }

  static KeyPair rsaKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static String pkcs8Pem(KeyPair keys) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
