package io.kairos.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SmtpSettingsTest {

  private static SmtpSettings.Builder base() {
    return SmtpSettings.builder("smtp.example.com", "mail.example.com");
  }

  @Test
  void defaults() {
    SmtpSettings s = base().build();
    assertThat(s.security()).isEqualTo(SmtpSettings.Security.STARTTLS);
    assertThat(s.port()).isEqualTo(587);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.poolSize()).isEqualTo(4);
    assertThat(s.effectiveHeloName()).isEqualTo("mail.example.com");
    assertThat(s.dkimEnabled()).isFalse();
    assertThat(base().security(SmtpSettings.Security.TLS).build().port()).isEqualTo(465);
    assertThat(base().security(SmtpSettings.Security.NONE).build().port()).isEqualTo(25);
  }

  @Test
  void securityReadsItsConfigNames() {
    assertThat(SmtpSettings.Security.parse("STARTTLS")).isEqualTo(SmtpSettings.Security.STARTTLS);
    assertThat(SmtpSettings.Security.parse("tls")).isEqualTo(SmtpSettings.Security.TLS);
    assertThat(SmtpSettings.Security.parse(" none ")).isEqualTo(SmtpSettings.Security.NONE);
    assertThatThrownBy(() -> SmtpSettings.Security.parse("ssl"))
        .hasMessage("smtp.security: must be one of starttls, tls, none, got 'ssl'");
  }

  @Test
  void badValuesAreNamedWithTheirKey() {
    assertThatThrownBy(() -> SmtpSettings.builder(" ", "mail.example.com").build())
        .hasMessage("smtp.host: required");
    assertThatThrownBy(() -> base().port(0).build())
        .hasMessage("smtp.port: must be between 1 and 65535, got 0");
    assertThatThrownBy(() -> base().port(65536).build()).hasMessageStartingWith("smtp.port:");
    assertThatThrownBy(() -> base().connectTimeout(Duration.ZERO).build())
        .hasMessage("smtp.connect_timeout: must be a positive duration, got PT0S");
    assertThatThrownBy(() -> base().readTimeout(Duration.ofMillis(-1)).build())
        .hasMessageStartingWith("smtp.read_timeout:");
    assertThatThrownBy(() -> base().writeTimeout(null).build())
        .hasMessageStartingWith("smtp.write_timeout:");
    assertThatThrownBy(() -> base().poolSize(0).build())
        .hasMessage("smtp.pool_size: must be between 1 and 256, got 0");
    assertThatThrownBy(() -> base().credentials("user", null).build())
        .hasMessage("smtp.password: required when smtp.username is set");
    assertThatThrownBy(() -> base().credentials(null, "secret").build())
        .hasMessage("smtp.username: required when smtp.password is set");
    assertThatThrownBy(() -> SmtpSettings.builder("smtp.example.com", "not a domain").build())
        .hasMessageStartingWith("smtp.message_id_domain:");
    assertThatThrownBy(() -> SmtpSettings.builder("smtp.example.com", null).build())
        .hasMessageStartingWith("smtp.message_id_domain:");
    assertThatThrownBy(() -> base().heloName("bad_name!").build())
        .hasMessageStartingWith("smtp.helo_name:");
  }

  @Test
  void dkimIsAllOrNothing() {
    assertThatThrownBy(() -> base().dkim("example.com", "s1", null).build())
        .hasMessageStartingWith("smtp.dkim.private_key: required when any of");
    assertThatThrownBy(() -> base().dkim(null, "s1", "x").build())
        .hasMessageStartingWith("smtp.dkim.domain: required when any of");
    assertThatThrownBy(() -> base().dkim("example.com", null, "x").build())
        .hasMessageStartingWith("smtp.dkim.selector: required when any of");
  }

  @Test
  void theDkimKeyMustParse() throws Exception {
    String good = TestEmails.pkcs8Pem(TestEmails.rsaKeyPair());
    assertThat(base().dkim("example.com", "k2026", good).build().dkimEnabled()).isTrue();

    assertThatThrownBy(() -> base().dkim("example.com", "k1", "not a key").build())
        .hasMessageStartingWith("smtp.dkim.private_key: must be PEM text");
    assertThatThrownBy(
            () ->
                base()
                    .dkim(
                        "example.com",
                        "k1",
                        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----")
                    .build())
        .hasMessageContaining("PKCS#1")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(
            () ->
                base()
                    .dkim(
                        "example.com",
                        "k1",
                        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
                    .build())
        .hasMessageStartingWith("smtp.dkim.private_key: not an RSA private key");
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(512);
    String weak = TestEmails.pkcs8Pem(small.generateKeyPair());
    assertThatThrownBy(() -> base().dkim("example.com", "k1", weak).build())
        .hasMessageContaining("512 bits");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    String ecPem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(ec.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----";
    assertThatThrownBy(() -> base().dkim("example.com", "k1", ecPem).build())
        .hasMessageStartingWith("smtp.dkim.private_key: not an RSA private key");
    assertThatThrownBy(() -> base().dkim("example", "k1", good).build())
        .hasMessageStartingWith("smtp.dkim.domain:");
    assertThatThrownBy(() -> base().dkim("example.com", "k 1", good).build())
        .hasMessageStartingWith("smtp.dkim.selector:");
  }

  @Test
  void toStringHidesThePasswordAndTheKey() throws Exception {
    String pem = TestEmails.pkcs8Pem(TestEmails.rsaKeyPair());
    String s =
        base().credentials("mailer", "s3cret").dkim("example.com", "k1", pem).build().toString();
    assertThat(s).contains("username=mailer").doesNotContain("s3cret").doesNotContain("PRIVATE");
    assertThat(s).contains("dkim=k1._domainkey.example.com");
  }
}
