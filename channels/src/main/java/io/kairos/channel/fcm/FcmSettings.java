package io.kairos.channel.fcm;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * How {@link FcmChannel} reaches Firebase Cloud Messaging. A null value takes its default.
 *
 * @param serviceAccount the service account that signs in (required)
 * @param projectId the Firebase project messages go through; default the service account's {@code
 *     project_id}
 * @param baseUrl the FCM API's base URL, default {@code https://fcm.googleapis.com}
 * @param connectTimeout the longest wait for a connection, default 5 s
 * @param requestTimeout the longest wait for an answer once connected, default 15 s (for the token
 *     exchange and for each send)
 */
public record FcmSettings(
    ServiceAccount serviceAccount,
    String projectId,
    URI baseUrl,
    Duration connectTimeout,
    Duration requestTimeout) {

  public static final URI DEFAULT_BASE_URL = URI.create("https://fcm.googleapis.com");
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);

  public FcmSettings {
    if (serviceAccount == null) {
      throw new IllegalArgumentException(
          "FcmSettings.serviceAccount is required: the service-account JSON key of the Firebase"
              + " project");
    }
    projectId = projectId == null ? serviceAccount.projectId() : projectId.strip();
    if (!projectId.matches("[a-z0-9][a-z0-9:.-]*")) {
      throw new IllegalArgumentException(
          "FcmSettings.projectId must be a Firebase project id (lower-case letters, digits,"
              + " hyphens), got '"
              + projectId
              + "'");
    }
    baseUrl = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "FcmSettings.baseUrl must be an http(s) URL, got '" + baseUrl + "'");
    }
    connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    requestTimeout = positive("requestTimeout", requestTimeout, DEFAULT_REQUEST_TIMEOUT);
  }

  /** Settings with every default for this service account. */
  public static FcmSettings of(ServiceAccount serviceAccount) {
    return new FcmSettings(serviceAccount, null, null, null, null);
  }

  /** These settings with another base URL (a local test server, a proxy). */
  public FcmSettings withBaseUrl(String url) {
    try {
      return new FcmSettings(
          serviceAccount, projectId, new URI(url), connectTimeout, requestTimeout);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("FcmSettings.baseUrl is not a URL: " + e.getMessage(), e);
    }
  }

  /** These settings with other timeouts. */
  public FcmSettings withTimeouts(Duration connect, Duration request) {
    return new FcmSettings(serviceAccount, projectId, baseUrl, connect, request);
  }

  /** Where messages are posted. */
  URI sendUri() {
    String base = baseUrl.toString().replaceAll("/+$", "");
    return URI.create(base + "/v1/projects/" + projectId + "/messages:send");
  }

  private static Duration positive(String field, Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(
          "FcmSettings." + field + " must be positive, got " + value);
    }
    return value;
  }
}
