package io.kairos.channel.fcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Google google;

  @BeforeEach
  void start() throws Exception {
    google = new Google();
  }

  @AfterEach
  void stop() {
    google.close();
  }

  private ObjectNode key() throws Exception {
    return (ObjectNode) JSON.readTree(google.serviceAccountJson(Google.ACCOUNT_KEY));
  }

  @Test
  void aKeyFileReadsWithItsFields() throws Exception {
    Path file = dir.resolve("firebase-adminsdk.json");
    Files.writeString(file, key().toString());

    ServiceAccount account = ServiceAccount.fromFile(file);

    assertThat(account.clientEmail()).isEqualTo(Google.CLIENT_EMAIL);
    assertThat(account.projectId()).isEqualTo(Google.PROJECT);
    assertThat(account.privateKeyId()).isEqualTo("key-1");
    assertThat(account.tokenUri()).isEqualTo(URI.create(google.tokenUri()));
    assertThat(account.privateKey().getEncoded())
        .isEqualTo(Google.ACCOUNT_KEY.getPrivate().getEncoded());
    assertThat(account.toString()).doesNotContain("PRIVATE").contains(Google.CLIENT_EMAIL);
  }

  @Test
  void eachMissingFieldIsNamed() throws Exception {
    for (String field : new String[] {"client_email", "private_key", "token_uri", "project_id"}) {
      ObjectNode key = key();
      key.remove(field);
      assertThatThrownBy(() -> ServiceAccount.fromJson(key.toString()))
          .hasMessage("service account " + field + " is missing");
    }
  }

  @Test
  void malformedValuesAreRefusedWithTheReason() throws Exception {
    ObjectNode pkcs1 =
        key()
            .put(
                "private_key",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    ObjectNode garbage =
        key().put("private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    ObjectNode badUri = key().put("token_uri", "ftp://oauth2.example/token");
    ObjectNode wrongType = key().put("type", "authorized_user");

    assertThatThrownBy(() -> ServiceAccount.fromJson(pkcs1.toString()))
        .hasMessageContaining("private_key is PKCS#1");
    assertThatThrownBy(() -> ServiceAccount.fromJson(garbage.toString()))
        .hasMessageContaining("private_key is not a PKCS#8 PEM RSA key");
    assertThatThrownBy(() -> ServiceAccount.fromJson(badUri.toString()))
        .hasMessageContaining("token_uri must be an http(s) URL");
    assertThatThrownBy(() -> ServiceAccount.fromJson(wrongType.toString()))
        .hasMessageContaining("type must be 'service_account'");
    assertThatThrownBy(() -> ServiceAccount.fromJson("{not json"))
        .hasMessageStartingWith("service account key is not JSON");
  }

  @Test
  void settingsTakeDefaultsAndRefuseBadValuesNamingTheField() throws Exception {
    ServiceAccount account = ServiceAccount.fromJson(key().toString());

    FcmSettings defaults = FcmSettings.of(account);

    assertThat(defaults.projectId()).isEqualTo(Google.PROJECT);
    assertThat(defaults.baseUrl()).isEqualTo(URI.create("https://fcm.googleapis.com"));
    assertThat(defaults.sendUri())
        .isEqualTo(URI.create("https://fcm.googleapis.com/v1/projects/shop-push-1/messages:send"));
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThatThrownBy(() -> FcmSettings.of(null))
        .hasMessageContaining("FcmSettings.serviceAccount is required");
    assertThatThrownBy(() -> defaults.withBaseUrl("fcm.googleapis.com"))
        .hasMessageContaining("FcmSettings.baseUrl must be an http(s) URL");
    assertThatThrownBy(() -> new FcmSettings(account, "My Project", null, null, null))
        .hasMessageContaining("FcmSettings.projectId must be a Firebase project id");
    assertThatThrownBy(() -> defaults.withTimeouts(null, Duration.ofSeconds(-1)))
        .hasMessageContaining("FcmSettings.requestTimeout must be positive");
  }
}
