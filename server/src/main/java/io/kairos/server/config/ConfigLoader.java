package io.kairos.server.config;

import io.kairos.time.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Builds a {@link ServerConfig}: defaults, then a YAML file (nested maps or dotted keys), then
 * environment variables ({@code KAIROS_} + the key in upper case with dots as underscores), then
 * command-line overrides. Every key is known: an unknown key in the file is an error (a typo must
 * not silently fall back to a default), and every value is checked with a message naming the key.
 */
public final class ConfigLoader {

  /**
   * The profile cache's share of the maximum heap when {@code runtime.cache_mb} is not set. The
   * rest holds the ingest queue (about 70 MB when full), the dedupe filter and each batch's work,
   * and leaves G1 room to finish its marking before the heap fills: with 40 % a 3-million-event
   * soak on 1 GB still ran into full collections, with 25 % and 15 % none, at the same rate
   * (docs/benchmarks.md, sixteenth session).
   */
  static final int DEFAULT_CACHE_HEAP_PERCENT = 25;

  /** One configuration key: its name, default and what it means (for docs and messages). */
  public record Key(String name, String defaultValue, String description) {
    /** The environment variable that sets this key. */
    public String envName() {
      return "KAIROS_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }
  }

  /** Every key, in the order docs/operations.md lists them. */
  public static final List<Key> KEYS =
      List.of(
          new Key("server.host", "127.0.0.1", "address the HTTP server listens on"),
          new Key("server.port", "8080", "HTTP port (0 picks a free port)"),
          new Key(
              "server.public_url",
              "",
              "the URL customers and providers reach this server at (links in messages,"
                  + " provider callbacks); default http://server.host:server.port"),
          new Key("data.dir", "./data", "directory of the SQLite file"),
          new Key("store.url", "", "jdbc:postgresql://host:port/db to use PostgreSQL"),
          new Key("store.user", "", "PostgreSQL user (or in the URL)"),
          new Key("store.password", "", "PostgreSQL password (or in the URL)"),
          new Key(
              "store.sqlite.synchronous",
              "FULL",
              "FULL: decisions are on disk when committed; NORMAL: no commit waits for the disk"),
          new Key("journeys.dir", "", "definitions loaded into a new 'default' workspace"),
          new Key(
              "templates.dir",
              "",
              "message templates (<id>.json) loaded into a new 'default'" + " workspace"),
          new Key("runtime.partitions", "2", "partitions profiles are spread over"),
          new Key("runtime.batch_size", "2000", "inputs a partition applies per transaction"),
          new Key("runtime.timer_window", "10000", "soonest timers each partition keeps in memory"),
          new Key(
              "runtime.cache_profiles", "100000", "profile states kept in memory, all partitions"),
          new Key(
              "runtime.cache_mb",
              "",
              "heap in MB for the cached profile states, as their encodings estimate it; empty: "
                  + DEFAULT_CACHE_HEAP_PERCENT
                  + "% of the maximum heap"),
          new Key("ingest.max_event_bytes", "32768", "largest single event accepted"),
          new Key("ingest.max_batch_bytes", "512000", "largest request body accepted"),
          new Key("ingest.dedupe_window", "7d", "how long a messageId is remembered"),
          new Key(
              "ingest.dedupe_filter_mb",
              "64",
              "memory for the in-memory filter that answers for new messageIds without a lookup in"
                  + " the store; 0 looks every one up"),
          new Key("ingest.future_tolerance", "10m", "how far ahead a timestamp may be"),
          new Key(
              "ingest.past_tolerance",
              "72h",
              "events older than this are stored and update the profile but start no journey"),
          new Key(
              "ingest.max_import_bytes",
              "52428800",
              "largest profile import body (/v1/profiles/import), read as a stream"),
          new Key(
              "ingest.queue_capacity",
              "50000",
              "events acknowledged and not yet applied by the engine before tracking requests"
                  + " are refused with 503"),
          new Key("shutdown.grace", "10s", "how long shutdown waits for in-flight work"),
          new Key("delivery.enabled", "true", "whether the dispatcher sends what journeys decide"),
          new Key("delivery.threads", "8", "sending threads per channel"),
          new Key("delivery.in_flight", "256", "attempts per channel claimed and not yet recorded"),
          new Key("delivery.poll", "1s", "how often the dispatcher looks at the outbox unwoken"),
          new Key("delivery.max_attempts", "10", "attempts before a message fails for good"),
          new Key("delivery.retry_base", "30s", "the first retry's wait (doubling, with jitter)"),
          new Key("delivery.retry_max", "1h", "the longest wait between two attempts"),
          new Key("delivery.max_age", "72h", "how long after its decision a message is retried"),
          new Key(
              "delivery.provider_rates",
              "",
              "per-provider messages per second: fcm=600,webpush=300,webhook:crm.example.com=20"),
          new Key("channels.email.rate", "", "emails per second (empty: unlimited)"),
          new Key("channels.sms.rate", "", "text messages per second (empty: unlimited)"),
          new Key("channels.push.rate", "", "push notifications per second (empty: unlimited)"),
          new Key("channels.webhook.rate", "", "webhook calls per second (empty: unlimited)"),
          new Key(
              "channels.email.from", "", "the From of every email, e.g. Shop <news@shop.example>"),
          new Key("channels.email.reply_to", "", "a Reply-To for every email"),
          new Key("channels.email.smtp.host", "", "SMTP server (empty: email is not sent)"),
          new Key("channels.email.smtp.port", "587", "SMTP port"),
          new Key("channels.email.smtp.security", "starttls", "starttls, tls (implicit) or none"),
          new Key("channels.email.smtp.username", "", "SMTP user (empty: no AUTH)"),
          new Key("channels.email.smtp.password", "", "SMTP password"),
          new Key("channels.email.smtp.timeout", "30s", "SMTP read and write timeout"),
          new Key(
              "channels.email.message_id_domain",
              "",
              "domain of the Message-ID (default: the From address's domain)"),
          new Key("channels.email.dkim.domain", "", "DKIM signing domain (d=); empty: no DKIM"),
          new Key("channels.email.dkim.selector", "", "DKIM selector (s=)"),
          new Key("channels.email.dkim.key_file", "", "PKCS#8 PEM file of the DKIM RSA key"),
          new Key("channels.sms.provider", "", "twilio or http (empty: SMS is not sent)"),
          new Key("channels.sms.from", "", "sender number or alphanumeric id"),
          new Key("channels.sms.twilio.account_sid", "", "Twilio account SID"),
          new Key("channels.sms.twilio.auth_token", "", "Twilio auth token"),
          new Key(
              "channels.sms.twilio.messaging_service_sid",
              "",
              "Twilio messaging service (instead of channels.sms.from)"),
          new Key("channels.sms.twilio.base_url", "https://api.twilio.com", "Twilio API base URL"),
          new Key("channels.sms.http.url", "", "the generic SMS gateway's URL"),
          new Key(
              "channels.sms.http.token",
              "",
              "bearer token for the generic gateway, both ways (its inbound texts carry it)"),
          new Key("channels.push.vapid.public_key", "", "Web Push VAPID public key (base64url)"),
          new Key("channels.push.vapid.private_key", "", "Web Push VAPID private key (base64url)"),
          new Key("channels.push.vapid.subject", "", "VAPID contact, mailto: or https:"),
          new Key("channels.push.fcm.service_account", "", "FCM service-account JSON file"),
          new Key("channels.push.fcm.base_url", "https://fcm.googleapis.com", "FCM API base URL"),
          new Key(
              "channels.webhook.secret",
              "",
              "Standard Webhooks signing secret whsec_... (empty: generated once, kept in the store)"),
          new Key(
              "channels.webhook.allow",
              "",
              "hosts and CIDRs webhooks may reach although private (comma-separated)"),
          new Key("channels.webhook.timeout", "15s", "a webhook call's whole-request timeout"),
          new Key(
              "channels.email.unsubscribe_mailto",
              "",
              "an address for mailto: List-Unsubscribe (empty: the https one-click link only)"),
          new Key("tracking.opens", "true", "add an open pixel to HTML email"),
          new Key("tracking.clicks", "true", "send email links through signed click redirects"));

  private final Map<String, String> values = new LinkedHashMap<>();

  public ConfigLoader() {
    for (Key k : KEYS) {
      values.put(k.name(), k.defaultValue());
    }
  }

  /** Reads a YAML file; nested maps become dotted keys ({@code server: {port: 8080}}). */
  public ConfigLoader file(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("--config " + file + ": cannot read (" + e.getMessage() + ")");
    }
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().build()).loadFromString(text);
    } catch (RuntimeException e) {
      throw new ConfigException(file + ": not valid YAML (" + e.getMessage() + ")");
    }
    if (doc == null) {
      return this;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException(file + ": expected a map of configuration keys");
    }
    flatten(file, "", map);
    return this;
  }

  private void flatten(Path file, String prefix, Map<?, ?> map) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> inner) {
        flatten(file, key + ".", inner);
      } else {
        set(file + ": " + key, key, e.getValue() == null ? "" : String.valueOf(e.getValue()));
      }
    }
  }

  /** Takes every {@code KAIROS_*} variable that names a key. Unrelated variables are ignored. */
  public ConfigLoader env(Map<String, String> env) {
    for (Key k : KEYS) {
      String v = env.get(k.envName());
      if (v != null) {
        values.put(k.name(), v);
      }
    }
    return this;
  }

  /** The value of a key so far (its default, or what the file, environment or a set gave). */
  public String get(String key) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException("unknown configuration key " + key);
    }
    return values.get(key);
  }

  /** Sets one key (a command-line option). */
  public ConfigLoader set(String key, String value) {
    return set(key, key, value);
  }

  private ConfigLoader set(String where, String key, String value) {
    if (!values.containsKey(key)) {
      throw new ConfigException(where + ": unknown configuration key; known keys: " + names());
    }
    values.put(key, value);
    return this;
  }

  private static String names() {
    List<String> n = new ArrayList<>();
    for (Key k : KEYS) {
      n.add(k.name());
    }
    return String.join(", ", n);
  }

  /**
   * Validates every value and builds the configuration.
   *
   * @throws ConfigException naming the first key whose value cannot be used, and why
   */
  public ServerConfig build() {
    String url = blankToNull(values.get("store.url"));
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException(
          "store.url: expected a jdbc:postgresql://host:port/database URL, got '" + url + "'");
    }
    String sync = values.get("store.sqlite.synchronous").trim().toUpperCase(Locale.ROOT);
    if (!sync.equals("FULL") && !sync.equals("NORMAL")) {
      throw new ConfigException(
          "store.sqlite.synchronous: expected FULL or NORMAL, got '" + sync + "'");
    }
    String journeys = blankToNull(values.get("journeys.dir"));
    String templates = blankToNull(values.get("templates.dir"));
    int maxEvent = integer("ingest.max_event_bytes", 256, 16 << 20);
    int maxBatch = integer("ingest.max_batch_bytes", 256, 64 << 20);
    if (maxBatch < maxEvent) {
      throw new ConfigException(
          "ingest.max_batch_bytes: must be at least ingest.max_event_bytes (" + maxEvent + ")");
    }
    long maxImport = integer("ingest.max_import_bytes", 1024, Integer.MAX_VALUE);
    if (maxImport < maxBatch) {
      throw new ConfigException(
          "ingest.max_import_bytes: must be at least ingest.max_batch_bytes (" + maxBatch + ")");
    }
    return new ServerConfig(
        nonBlank("server.host"),
        integer("server.port", 0, 65535),
        Path.of(nonBlank("data.dir")),
        url,
        blankToNull(values.get("store.user")),
        blankToNull(values.get("store.password")),
        sync,
        journeys == null ? null : Path.of(journeys),
        templates == null ? null : Path.of(templates),
        integer("runtime.partitions", 1, 256),
        maxEvent,
        maxBatch,
        duration("ingest.dedupe_window"),
        (long) integer("ingest.dedupe_filter_mb", 0, 65_536) << 20,
        duration("ingest.future_tolerance"),
        duration("ingest.past_tolerance"),
        duration("shutdown.grace"),
        integer("runtime.batch_size", 1, 100_000),
        integer("runtime.timer_window", 16, 10_000_000),
        integer("runtime.cache_profiles", 0, 100_000_000),
        cacheBytes(),
        maxImport,
        integer("ingest.queue_capacity", 100, 10_000_000),
        delivery());
  }

  private DeliveryConfig delivery() {
    Map<String, Double> rates = new LinkedHashMap<>();
    for (String channel : List.of("email", "sms", "push", "webhook")) {
      String key = "channels." + channel + ".rate";
      String v = blankToNull(values.get(key));
      if (v != null) {
        double r;
        try {
          r = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new ConfigException(key + ": expected messages per second, got '" + v + "'");
        }
        if (!(r > 0) || r > 1_000_000) {
          throw new ConfigException(key + ": must be above 0 and at most 1000000, got " + v);
        }
        rates.put(channel, r);
      }
    }
    Map<String, Double> providerRates = providerRates();
    DeliveryConfig.Email email = null;
    String smtpHost = blankToNull(values.get("channels.email.smtp.host"));
    if (smtpHost != null) {
      String from = blankToNull(values.get("channels.email.from"));
      if (from == null) {
        throw new ConfigException(
            "channels.email.from: required when channels.email.smtp.host is set");
      }
      String security = values.get("channels.email.smtp.security").trim().toLowerCase(Locale.ROOT);
      if (!List.of("starttls", "tls", "none").contains(security)) {
        throw new ConfigException(
            "channels.email.smtp.security: expected starttls, tls or none, got '" + security + "'");
      }
      String keyFile = blankToNull(values.get("channels.email.dkim.key_file"));
      email =
          new DeliveryConfig.Email(
              from,
              blankToNull(values.get("channels.email.reply_to")),
              smtpHost,
              integer("channels.email.smtp.port", 1, 65535),
              security,
              blankToNull(values.get("channels.email.smtp.username")),
              blankToNull(values.get("channels.email.smtp.password")),
              duration("channels.email.smtp.timeout"),
              blankToNull(values.get("channels.email.message_id_domain")),
              blankToNull(values.get("channels.email.dkim.domain")),
              blankToNull(values.get("channels.email.dkim.selector")),
              keyFile == null ? null : Path.of(keyFile));
    }
    DeliveryConfig.Sms sms = null;
    String provider = blankToNull(values.get("channels.sms.provider"));
    if (provider != null) {
      if (!provider.equals("twilio") && !provider.equals("http")) {
        throw new ConfigException(
            "channels.sms.provider: expected twilio or http, got '" + provider + "'");
      }
      sms =
          new DeliveryConfig.Sms(
              provider,
              blankToNull(values.get("channels.sms.from")),
              blankToNull(values.get("channels.sms.twilio.account_sid")),
              blankToNull(values.get("channels.sms.twilio.auth_token")),
              blankToNull(values.get("channels.sms.twilio.messaging_service_sid")),
              nonBlank("channels.sms.twilio.base_url"),
              blankToNull(values.get("channels.sms.http.url")),
              blankToNull(values.get("channels.sms.http.token")));
    }
    DeliveryConfig.Push push = null;
    String vapidPublic = blankToNull(values.get("channels.push.vapid.public_key"));
    String account = blankToNull(values.get("channels.push.fcm.service_account"));
    if (vapidPublic != null || account != null) {
      push =
          new DeliveryConfig.Push(
              vapidPublic,
              blankToNull(values.get("channels.push.vapid.private_key")),
              blankToNull(values.get("channels.push.vapid.subject")),
              account == null ? null : Path.of(account),
              nonBlank("channels.push.fcm.base_url"));
    }
    List<String> allow = new ArrayList<>();
    for (String a : values.get("channels.webhook.allow").split(",")) {
      if (!a.isBlank()) {
        allow.add(a.trim());
      }
    }
    return new DeliveryConfig(
        bool("delivery.enabled"),
        integer("delivery.threads", 1, 1024),
        integer("delivery.in_flight", 1, 1_000_000),
        duration("delivery.poll"),
        integer("delivery.max_attempts", 1, 1000),
        duration("delivery.retry_base"),
        duration("delivery.retry_max"),
        duration("delivery.max_age"),
        rates,
        providerRates,
        email,
        sms,
        push,
        new DeliveryConfig.Webhook(
            blankToNull(values.get("channels.webhook.secret")),
            allow,
            duration("channels.webhook.timeout")),
        new DeliveryConfig.Tracking(
            publicUrl(),
            bool("tracking.opens"),
            bool("tracking.clicks"),
            blankToNull(values.get("channels.email.unsubscribe_mailto"))));
  }

  private Map<String, Double> providerRates() {
    String key = "delivery.provider_rates";
    Map<String, Double> out = new LinkedHashMap<>();
    for (String entry : values.get(key).split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name =
          eq < 0 ? entry.strip() : entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      boolean known =
          name.equals("fcm")
              || name.equals("webpush")
              || (name.startsWith("webhook:") && name.length() > "webhook:".length());
      if (eq < 0 || !known) {
        throw new ConfigException(
            key
                + ": expected provider=rate pairs, the provider fcm, webpush or webhook:<host>,"
                + " got '"
                + entry.strip()
                + "'");
      }
      String v = entry.substring(eq + 1).strip();
      double r;
      try {
        r = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            key + ": " + name + ": expected messages per second, got '" + v + "'");
      }
      if (!(r > 0) || r > 1_000_000) {
        throw new ConfigException(
            key + ": " + name + ": must be above 0 and at most 1000000, got " + v);
      }
      out.put(name, r);
    }
    return out;
  }

  private String publicUrl() {
    String v = blankToNull(values.get("server.public_url"));
    if (v == null) {
      return null;
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(v);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("server.public_url: not a URL (" + e.getMessage() + ")");
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw new ConfigException(
          "server.public_url: expected http(s)://host[:port][/path], got '" + v + "'");
    }
    return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
  }

  private boolean bool(String key) {
    String v = values.get(key).trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new ConfigException(key + ": expected true or false, got '" + v + "'");
    };
  }

  private String nonBlank(String key) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigException(key + ": must not be empty");
    }
    return v.trim();
  }

  /** {@code runtime.cache_mb}, or its default: a share of the JVM's maximum heap. */
  private long cacheBytes() {
    if (blankToNull(values.get("runtime.cache_mb")) == null) {
      return Runtime.getRuntime().maxMemory() / 100 * DEFAULT_CACHE_HEAP_PERCENT;
    }
    return (long) integer("runtime.cache_mb", 0, 1 << 20) << 20;
  }

  private int integer(String key, int min, int max) {
    String v = values.get(key).trim();
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": expected a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(key + ": must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private Duration duration(String key) {
    String v = values.get(key);
    Span span;
    try {
      span = Span.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
    if (span.months() != 0) {
      throw new ConfigException(key + ": use days, hours, minutes or seconds, not months or years");
    }
    return Duration.ofDays(span.days()).plusMillis(span.millis());
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }
}
