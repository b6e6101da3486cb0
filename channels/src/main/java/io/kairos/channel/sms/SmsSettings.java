package io.kairos.channel.sms;

import com.fasterxml.jackson.core.JsonPointer;
import io.kairos.channel.http.SettingChecks;
import java.time.Duration;
import java.time.InstantSource;
import java.util.regex.Pattern;

/** How the SMS channel reaches its provider: Twilio or a generic JSON gateway. */
public sealed interface SmsSettings {

  Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
  int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

  /**
   * Twilio's Programmable Messaging API. Start from {@link #defaults} and set a sender.
   *
   * @param baseUrl the API's base URL (default {@code https://api.twilio.com}; a test or a
   *     compatible provider may point elsewhere)
   * @param accountSid the account, {@code AC} and 32 hex digits; also the Basic auth user
   * @param authToken the account's auth token; the Basic auth password
   * @param from the default sender number, for messages without their own, or null
   * @param messagingServiceSid the Messaging Service ({@code MG...}) for messages without their own
   *     sender, used before {@code from}; or null. One of the two is required
   * @param statusCallback the URL Twilio reports delivery status to (each message adds {@code
   *     workspace} and {@code message} query parameters), or null
   * @param connectTimeout how long to wait for a connection (default 5 s)
   * @param requestTimeout how long to wait for the answer (default 15 s)
   * @param maxResponseBytes how much of an answer is read (default 64 KiB, at least 1 KiB)
   * @param clock the time for {@code Retry-After} dates
   */
  record Twilio(
      String baseUrl,
      String accountSid,
      String authToken,
      String from,
      String messagingServiceSid,
      String statusCallback,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxResponseBytes,
      InstantSource clock)
      implements SmsSettings {

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");

    public Twilio {
      SettingChecks.httpUrl("sms.twilio.baseUrl", baseUrl);
      baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
      if (accountSid == null || !ACCOUNT_SID.matcher(accountSid).matches()) {
        throw new IllegalArgumentException(
            "sms.twilio.accountSid must be AC followed by 32 hex digits");
      }
      SettingChecks.required("sms.twilio.authToken", authToken);
      if (from != null && from.isBlank()) {
        throw new IllegalArgumentException("sms.twilio.from is blank (leave it out instead)");
      }
      if (messagingServiceSid != null && !SERVICE_SID.matcher(messagingServiceSid).matches()) {
        throw new IllegalArgumentException(
            "sms.twilio.messagingServiceSid must be MG followed by 32 hex digits");
      }
      if (from == null && messagingServiceSid == null) {
        throw new IllegalArgumentException(
            "sms.twilio.from or sms.twilio.messagingServiceSid is required: a message without its"
                + " own sender needs one");
      }
      if (statusCallback != null) {
        SettingChecks.httpUrl("sms.twilio.statusCallback", statusCallback);
      }
      checkHttp("sms.twilio", connectTimeout, requestTimeout, maxResponseBytes, clock);
    }

    /** The public API, 5 s / 15 s timeouts, 64 KiB read, no sender yet, the system clock. */
    public static Twilio defaults(String accountSid, String authToken, String from) {
      return new Twilio(
          "https://api.twilio.com",
          accountSid,
          authToken,
          from,
          null,
          null,
          DEFAULT_CONNECT_TIMEOUT,
          DEFAULT_REQUEST_TIMEOUT,
          DEFAULT_MAX_RESPONSE_BYTES,
          InstantSource.system());
    }

    /** As {@link #defaults}, sending through a Messaging Service instead of a number. */
    public static Twilio viaMessagingService(
        String accountSid, String authToken, String messagingServiceSid) {
      return new Twilio(
          "https://api.twilio.com",
          accountSid,
          authToken,
          null,
          messagingServiceSid,
          null,
          DEFAULT_CONNECT_TIMEOUT,
          DEFAULT_REQUEST_TIMEOUT,
          DEFAULT_MAX_RESPONSE_BYTES,
          InstantSource.system());
    }

    public Twilio withBaseUrl(String url) {
      return new Twilio(
          url,
          accountSid,
          authToken,
          from,
          messagingServiceSid,
          statusCallback,
          connectTimeout,
          requestTimeout,
          maxResponseBytes,
          clock);
    }

    public Twilio withMessagingServiceSid(String sid) {
      return new Twilio(
          baseUrl,
          accountSid,
          authToken,
          from,
          sid,
          statusCallback,
          connectTimeout,
          requestTimeout,
          maxResponseBytes,
          clock);
    }

    public Twilio withStatusCallback(String url) {
      return new Twilio(
          baseUrl,
          accountSid,
          authToken,
          from,
          messagingServiceSid,
          url,
          connectTimeout,
          requestTimeout,
          maxResponseBytes,
          clock);
    }

    public Twilio withTimeouts(Duration connect, Duration request) {
      return new Twilio(
          baseUrl,
          accountSid,
          authToken,
          from,
          messagingServiceSid,
          statusCallback,
          connect,
          request,
          maxResponseBytes,
          clock);
    }

    public Twilio withMaxResponseBytes(int n) {
      return new Twilio(
          baseUrl,
          accountSid,
          authToken,
          from,
          messagingServiceSid,
          statusCallback,
          connectTimeout,
          requestTimeout,
          n,
          clock);
    }

    public Twilio withClock(InstantSource c) {
      return new Twilio(
          baseUrl,
          accountSid,
          authToken,
          from,
          messagingServiceSid,
          statusCallback,
          connectTimeout,
          requestTimeout,
          maxResponseBytes,
          c);
    }

    /** Never prints the auth token. */
    @Override
    public String toString() {
      return "SmsSettings.Twilio[baseUrl="
          + baseUrl
          + ", accountSid="
          + accountSid
          + ", authToken=***, from="
          + from
          + ", messagingServiceSid="
          + messagingServiceSid
          + ", statusCallback="
          + statusCallback
          + ", connectTimeout="
          + connectTimeout
          + ", requestTimeout="
          + requestTimeout
          + ", maxResponseBytes="
          + maxResponseBytes
          + "]";
    }
  }

  /**
   * A generic HTTP gateway: {@code POST {url}} with {@code {"id","to","from","text"}}.
   *
   * @param url the gateway's endpoint
   * @param bearerToken sent as {@code Authorization: Bearer ...}, or null for none
   * @param from the default sender, for messages without their own, or null (sent as JSON null)
   * @param providerIdField where the gateway's id for the message is in a 2xx answer: a top-level
   *     field name (default {@code id}) or a JSON Pointer ({@code /data/messageId})
   * @param connectTimeout how long to wait for a connection (default 5 s)
   * @param requestTimeout how long to wait for the answer (default 15 s)
   * @param maxResponseBytes how much of an answer is read (default 64 KiB, at least 1 KiB)
   * @param clock the time for {@code Retry-After} dates
   */
  record Gateway(
      String url,
      String bearerToken,
      String from,
      String providerIdField,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxResponseBytes,
      InstantSource clock)
      implements SmsSettings {

    public Gateway {
      SettingChecks.httpUrl("sms.gateway.url", url);
      if (bearerToken != null
          && (bearerToken.isBlank() || !bearerToken.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
        throw new IllegalArgumentException(
            "sms.gateway.bearerToken must be printable ASCII without spaces");
      }
      if (from != null && from.isBlank()) {
        throw new IllegalArgumentException("sms.gateway.from is blank (leave it out instead)");
      }
      SettingChecks.required("sms.gateway.providerIdField", providerIdField);
      try {
        pointer(providerIdField);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "sms.gateway.providerIdField '" + providerIdField + "' is not a JSON Pointer");
      }
      checkHttp("sms.gateway", connectTimeout, requestTimeout, maxResponseBytes, clock);
    }

    /** No token, no default sender, the id in {@code id}, 5 s / 15 s, 64 KiB, system clock. */
    public static Gateway defaults(String url) {
      return new Gateway(
          url,
          null,
          null,
          "id",
          DEFAULT_CONNECT_TIMEOUT,
          DEFAULT_REQUEST_TIMEOUT,
          DEFAULT_MAX_RESPONSE_BYTES,
          InstantSource.system());
    }

    public Gateway withBearerToken(String token) {
      return new Gateway(
          url,
          token,
          from,
          providerIdField,
          connectTimeout,
          requestTimeout,
          maxResponseBytes,
          clock);
    }

    public Gateway withFrom(String sender) {
      return new Gateway(
          url,
          bearerToken,
          sender,
          providerIdField,
          connectTimeout,
          requestTimeout,
          maxResponseBytes,
          clock);
    }

    public Gateway withProviderIdField(String field) {
      return new Gateway(
          url, bearerToken, from, field, connectTimeout, requestTimeout, maxResponseBytes, clock);
    }

    public Gateway withTimeouts(Duration connect, Duration request) {
      return new Gateway(
          url, bearerToken, from, providerIdField, connect, request, maxResponseBytes, clock);
    }

    public Gateway withMaxResponseBytes(int n) {
      return new Gateway(
          url, bearerToken, from, providerIdField, connectTimeout, requestTimeout, n, clock);
    }

    public Gateway withClock(InstantSource c) {
      return new Gateway(
          url,
          bearerToken,
          from,
          providerIdField,
          connectTimeout,
          requestTimeout,
          maxResponseBytes,
          c);
    }

    /** The field as a JSON Pointer: {@code id} is {@code /id}. */
    JsonPointer providerIdPointer() {
      return pointer(providerIdField);
    }

    private static JsonPointer pointer(String field) {
      return field.startsWith("/")
          ? JsonPointer.compile(field)
          : JsonPointer.compile("/" + field.replace("~", "~0").replace("/", "~1"));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
      return "SmsSettings.Gateway[url="
          + url
          + ", bearerToken="
          + (bearerToken == null ? "none" : "***")
          + ", from="
          + from
          + ", providerIdField="
          + providerIdField
          + ", connectTimeout="
          + connectTimeout
          + ", requestTimeout="
          + requestTimeout
          + ", maxResponseBytes="
          + maxResponseBytes
          + "]";
    }
  }

  private static void checkHttp(
      String prefix, Duration connect, Duration request, int maxBytes, InstantSource clock) {
    SettingChecks.positive(prefix + ".connectTimeout", connect);
    SettingChecks.positive(prefix + ".requestTimeout", request);
    SettingChecks.between(prefix + ".maxResponseBytes", maxBytes, 1024, 16 * 1024 * 1024);
    if (clock == null) {
      throw new IllegalArgumentException(prefix + ".clock is required");
    }
  }
}
