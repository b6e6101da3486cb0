package io.kairos.channel.fcm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;

/**
 * A Google service account, as in the JSON key file the Firebase console downloads (Project
 * settings, Service accounts, Generate new private key). Only what FCM needs is kept.
 *
 * @param clientEmail {@code client_email}: the account, the JWT's issuer
 * @param privateKeyId {@code private_key_id}: the key's id, sent as the JWT's {@code kid}, or null
 * @param privateKey {@code private_key}: the RSA key that signs the JWT
 * @param tokenUri {@code token_uri}: where the JWT is exchanged for an access token
 * @param projectId {@code project_id}: the Firebase project
 */
public record ServiceAccount(
    String clientEmail,
    String privateKeyId,
    PrivateKey privateKey,
    URI tokenUri,
    String projectId) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ServiceAccount {
    require("client_email", clientEmail);
    require("project_id", projectId);
    if (privateKey == null || !"RSA".equals(privateKey.getAlgorithm())) {
      throw new IllegalArgumentException("service account private_key must be an RSA key");
    }
    if (tokenUri == null) {
      throw new IllegalArgumentException("service account token_uri is missing");
    }
  }

  /** Reads a service-account key file. */
  public static ServiceAccount fromFile(Path file) throws IOException {
    try {
      return fromJson(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a service-account key from its JSON.
   *
   * @throws IllegalArgumentException naming the missing or malformed field
   */
  public static ServiceAccount fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "service account key is not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("service account key must be a JSON object");
    }
    String type = text(root, "type", false);
    if (type != null && !type.equals("service_account")) {
      throw new IllegalArgumentException(
          "service account type must be 'service_account', got '" + type + "'");
    }
    return new ServiceAccount(
        text(root, "client_email", true),
        text(root, "private_key_id", false),
        pkcs8(text(root, "private_key", true)),
        tokenUri(text(root, "token_uri", true)),
        text(root, "project_id", true));
  }

  /** Names the account only: the key stays out of logs. */
  @Override
  public String toString() {
    return "ServiceAccount[clientEmail="
        + clientEmail
        + ", projectId="
        + projectId
        + ", tokenUri="
        + tokenUri
        + "]";
  }

  private static String text(JsonNode root, String field, boolean required) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw new IllegalArgumentException("service account " + field + " is missing");
      }
      return null;
    }
    if (!node.isTextual() || (required && node.asText().isBlank())) {
      throw new IllegalArgumentException(
          "service account " + field + " must be a non-empty string");
    }
    return node.asText();
  }

  private static void require(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("service account " + field + " is missing");
    }
  }

  private static URI tokenUri(String text) {
    try {
      URI uri = new URI(text.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "service account token_uri must be an http(s) URL, got '" + text + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "service account token_uri is not a URL: " + e.getMessage(), e);
    }
  }

  private static PrivateKey pkcs8(String pem) {
    if (pem.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "service account private_key is PKCS#1 (BEGIN RSA PRIVATE KEY); it must be PKCS#8"
              + " (BEGIN PRIVATE KEY), as Google issues it");
    }
    String base64 =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "service account private_key is not a PKCS#8 PEM RSA key (-----BEGIN PRIVATE KEY-----)",
          e);
    }
  }
}
