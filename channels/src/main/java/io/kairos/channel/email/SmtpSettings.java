package io.kairos.channel.email;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How {@link SmtpChannel} reaches its SMTP server. Every field is checked when the record is made:
 * a bad value fails with an {@link IllegalArgumentException} whose message starts with the
 * configuration key ({@code smtp.port: must be between 1 and 65535, got 0}).
 *
 * <p>Start from {@link #builder(String, String)}, which fills in the defaults.
 *
 * @param host the SMTP server's host name or address ({@code smtp.host}, required)
 * @param port its port ({@code smtp.port}; default 587 for STARTTLS, 465 for TLS, 25 for none)
 * @param security how the connection is protected ({@code smtp.security}, default {@code starttls})
 * @param username the AUTH user name, or null for no authentication ({@code smtp.username})
 * @param password the AUTH password, set exactly when the user name is ({@code smtp.password})
 * @param connectTimeout how long to wait for the TCP connection ({@code smtp.connect_timeout},
 *     default 10 s)
 * @param readTimeout how long to wait for each server reply ({@code smtp.read_timeout}, default 30
 *     s)
 * @param writeTimeout how long one write to the server may block ({@code smtp.write_timeout},
 *     default 30 s)
 * @param heloName the name sent with EHLO ({@code smtp.helo_name}, default the Message-ID domain)
 * @param messageIdDomain the right-hand side of every {@code Message-ID} ({@code
 *     smtp.message_id_domain}, required): a domain the sender controls
 * @param dkimDomain the DKIM signing domain ({@code smtp.dkim.domain}), or null for no signing
 * @param dkimSelector the DKIM selector ({@code smtp.dkim.selector}), or null
 * @param dkimPrivateKeyPem the RSA private key as PKCS#8 PEM text ({@code smtp.dkim.private_key}),
 *     or null
 * @param poolSize how many SMTP connections are kept open ({@code smtp.pool_size}, default 4)
 */
public record SmtpSettings(
    String host,
    int port,
    Security security,
    String username,
    String password,
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    String heloName,
    String messageIdDomain,
    String dkimDomain,
    String dkimSelector,
    String dkimPrivateKeyPem,
    int poolSize) {

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_POOL_SIZE = 4;
  static final int MAX_POOL_SIZE = 256;

  // RFC 1035 labels; an address literal such as 127.0.0.1 also matches, which SMTP servers accept.
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
  // A DKIM selector is one or more dot-separated labels (RFC 6376, 3.1).
  private static final Pattern SELECTOR =
      Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");

  /** How the SMTP connection is protected. */
  public enum Security {
    /** Plain connect, then STARTTLS, which the server must offer (submission, port 587). */
    STARTTLS,
    /** TLS from the first byte (implicit TLS, port 465). */
    TLS,
    /** No encryption: for tests and relays on the same host only. */
    NONE;

    /** The value as written in configuration: {@code starttls}, {@code tls} or {@code none}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code starttls}, {@code tls} or {@code none} (any case). */
    public static Security parse(String value) {
      if (value != null) {
        for (Security s : values()) {
          if (s.configName().equalsIgnoreCase(value.trim())) {
            return s;
          }
        }
      }
      throw new IllegalArgumentException(
          "smtp.security: must be one of starttls, tls, none, got '" + value + "'");
    }

    int defaultPort() {
      return switch (this) {
        case STARTTLS -> 587;
        case TLS -> 465;
        case NONE -> 25;
      };
    }
  }

  public SmtpSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("smtp.host: required");
    }
    host = host.trim();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("smtp.port: must be between 1 and 65535, got " + port);
    }
    if (security == null) {
      throw new IllegalArgumentException("smtp.security: required (starttls, tls or none)");
    }
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException(
          username == null
              ? "smtp.username: required when smtp.password is set"
              : "smtp.password: required when smtp.username is set");
    }
    if (username != null && username.isEmpty()) {
      throw new IllegalArgumentException("smtp.username: must not be empty (leave it out instead)");
    }
    positive("smtp.connect_timeout", connectTimeout);
    positive("smtp.read_timeout", readTimeout);
    positive("smtp.write_timeout", writeTimeout);
    if (messageIdDomain == null || !DOMAIN.matcher(messageIdDomain).matches()) {
      throw new IllegalArgumentException(
          "smtp.message_id_domain: must be a domain name such as mail.example.com, got "
              + quoted(messageIdDomain));
    }
    if (heloName != null && !DOMAIN.matcher(heloName).matches()) {
      throw new IllegalArgumentException(
          "smtp.helo_name: must be a host name such as mta1.example.com, got " + quoted(heloName));
    }
    int dkimFields =
        (dkimDomain != null ? 1 : 0)
            + (dkimSelector != null ? 1 : 0)
            + (dkimPrivateKeyPem != null ? 1 : 0);
    if (dkimFields != 0 && dkimFields != 3) {
      String missing =
          dkimDomain == null
              ? "smtp.dkim.domain"
              : dkimSelector == null ? "smtp.dkim.selector" : "smtp.dkim.private_key";
      throw new IllegalArgumentException(
          missing
              + ": required when any of smtp.dkim.domain, smtp.dkim.selector,"
              + " smtp.dkim.private_key is set (DKIM is all or nothing)");
    }
    if (dkimFields == 3) {
      if (!DOMAIN.matcher(dkimDomain).matches() || !dkimDomain.contains(".")) {
        throw new IllegalArgumentException(
            "smtp.dkim.domain: must be a domain name such as example.com, got "
                + quoted(dkimDomain));
      }
      if (!SELECTOR.matcher(dkimSelector).matches()) {
        throw new IllegalArgumentException(
            "smtp.dkim.selector: must be letters, digits, '-' and '.', got "
                + quoted(dkimSelector));
      }
      DkimKeys.parsePrivateKey(dkimPrivateKeyPem); // fails with the key's name and the reason
    }
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new IllegalArgumentException(
          "smtp.pool_size: must be between 1 and " + MAX_POOL_SIZE + ", got " + poolSize);
    }
  }

  /** Settings for {@code host} with every default filled in; the builder changes any of them. */
  public static Builder builder(String host, String messageIdDomain) {
    return new Builder(host, messageIdDomain);
  }

  /** Whether messages are DKIM-signed. */
  public boolean dkimEnabled() {
    return dkimDomain != null;
  }

  /** The name sent with EHLO: {@link #heloName} or, when it is not set, the Message-ID domain. */
  String effectiveHeloName() {
    return heloName != null ? heloName : messageIdDomain;
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + ": must be a positive duration, got " + d);
    }
    if (d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + ": must be shorter than 24 days, got " + d);
    }
  }

  private static String quoted(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }

  /** Fills in {@link SmtpSettings} from the defaults; {@link #build()} validates. */
  public static final class Builder {
    private final String host;
    private final String messageIdDomain;
    private Integer port;
    private Security security = Security.STARTTLS;
    private String username;
    private String password;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private String heloName;
    private String dkimDomain;
    private String dkimSelector;
    private String dkimPrivateKeyPem;
    private int poolSize = DEFAULT_POOL_SIZE;

    private Builder(String host, String messageIdDomain) {
      this.host = host;
      this.messageIdDomain = messageIdDomain;
    }

    /** The port; without it, the usual port of the chosen security. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder security(Security security) {
      this.security = security;
      return this;
    }

    public Builder credentials(String username, String password) {
      this.username = username;
      this.password = password;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = timeout;
      return this;
    }

    public Builder heloName(String heloName) {
      this.heloName = heloName;
      return this;
    }

    /** Signs every message with this domain, selector and PKCS#8 PEM RSA private key. */
    public Builder dkim(String domain, String selector, String privateKeyPem) {
      this.dkimDomain = domain;
      this.dkimSelector = selector;
      this.dkimPrivateKeyPem = privateKeyPem;
      return this;
    }

    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    public SmtpSettings build() {
      Security sec = security == null ? Security.STARTTLS : security;
      return new SmtpSettings(
          host,
          port != null ? port : sec.defaultPort(),
          sec,
          username,
          password,
          connectTimeout,
          readTimeout,
          writeTimeout,
          heloName,
          messageIdDomain,
          dkimDomain,
          dkimSelector,
          dkimPrivateKeyPem,
          poolSize);
    }
  }

  /** Leaves the password out, so settings can be logged. */
  @Override
  public String toString() {
    return "SmtpSettings[host="
        + host
        + ", port="
        + port
        + ", security="
        + security.configName()
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", writeTimeout="
        + writeTimeout
        + ", heloName="
        + effectiveHeloName()
        + ", messageIdDomain="
        + messageIdDomain
        + ", dkim="
        + (dkimEnabled() ? dkimSelector + "._domainkey." + dkimDomain : "off")
        + ", poolSize="
        + poolSize
        + "]";
  }
}
