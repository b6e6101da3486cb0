package io.kairos.server.delivery;

import io.kairos.channel.Channel;
import io.kairos.channel.webhook.WebhookSignature;
import io.kairos.server.config.DeliveryConfig;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.definitions.DefinitionManager;
import io.kairos.server.engagement.LinkSigner;
import io.kairos.server.http.Authenticator;
import io.kairos.server.ingest.EventLog;
import io.kairos.server.runtime.LiveRuntime;
import io.kairos.server.store.Database;
import io.kairos.server.store.StoredSecrets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery side of a server, built from its configuration: the dispatcher (woken whenever the
 * runtime writes outbox rows) and the template preview and test-send API, sharing one set of
 * channels and one renderer.
 */
public final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);
  private static final Duration RENDER_DEADLINE = Duration.ofSeconds(2);

  private final Dispatcher dispatcher;
  private final TemplatePreviewApi previewApi;
  private final EngagementApi engagementApi;
  private final SmsWebhooks smsWebhooks;

  private Delivery(
      Dispatcher dispatcher,
      TemplatePreviewApi previewApi,
      EngagementApi engagementApi,
      SmsWebhooks smsWebhooks) {
    this.dispatcher = dispatcher;
    this.previewApi = previewApi;
    this.engagementApi = engagementApi;
    this.smsWebhooks = smsWebhooks;
  }

  /** What SMS providers post back: replies (STOP, START, ...) and delivery reports. */
  public SmsWebhooks smsWebhooks() {
    return smsWebhooks;
  }

  /** The public endpoints behind the links in messages (opens, clicks, unsubscribe, ...). */
  public EngagementApi engagementApi() {
    return engagementApi;
  }

  /** Delivers what the runtime writes to the outbox. */
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Template previews and test sends. */
  public TemplatePreviewApi previewApi() {
    return previewApi;
  }

  /**
   * Builds the channels the configuration asks for, the renderer, the dispatcher and the API.
   *
   * @param inbox the {@code inbox} channel (the server's own)
   * @param port the port the server listens on, asked when a link is made (a server configured with
   *     port 0 knows it only once listening); used when {@code server.public_url} is not set
   * @throws io.kairos.server.config.ConfigException when a channel's settings are refused
   */
  public static Delivery create(
      ServerConfig config,
      Database db,
      EventLog eventLog,
      LiveRuntime runtime,
      DefinitionManager definitions,
      Authenticator auth,
      Channel inbox,
      InstantSource clock,
      IntSupplier port) {
    DeliveryConfig d = config.delivery();
    String secret = d.webhook().secret() != null ? d.webhook().secret() : webhookSecret(db);
    Map<String, Channel> channels = ChannelFactory.build(d, d.threads(), secret, clock);
    // The inbox needs no provider: the server keeps the messages (io.kairos.server.inbox).
    channels.put("inbox", inbox);
    DeliverySettings settings =
        new DeliverySettings(
            d.enabled(),
            d.threads(),
            d.inFlight(),
            d.poll(),
            d.maxAttempts(),
            d.retryBase(),
            d.retryMax(),
            d.maxAge(),
            d.rates(),
            d.providerRates(),
            config.shutdownGrace());
    LinkSigner signer = new LinkSigner(linkSecret(db));
    Supplier<String> base = baseUrl(config, port);
    MessageLinks links = new MessageLinks(signer, base, d.tracking());
    TemplateRendering rendering = new TemplateRendering(definitions, links, RENDER_DEADLINE);
    Recipients recipients = new Recipients(db, runtime, definitions);
    MessageComposer composer =
        new MessageComposer(
            rendering,
            new MessageComposer.Senders(
                d.email() == null ? null : d.email().from(),
                d.email() == null ? null : d.email().replyTo(),
                d.sms() == null ? null : d.sms().from()),
            links);
    Dispatcher dispatcher =
        new Dispatcher(settings, db, eventLog, recipients, composer, channels, clock);
    runtime.onOutbox(dispatcher::wake);
    log.info(
        "delivery: channels configured: {}{}",
        channels.keySet(),
        d.enabled() ? "" : " (delivery.enabled is false: nothing is sent)");
    SmsWebhooks sms =
        new SmsWebhooks(
            d.sms(), base, db, eventLog, recipients, new ProfilesByPhone(db, definitions), clock);
    return new Delivery(
        dispatcher,
        new TemplatePreviewApi(auth, recipients, rendering, composer, channels, clock),
        new EngagementApi(signer, links, recipients, rendering, eventLog, db, clock),
        sms);
  }

  /**
   * The base of the links in messages: {@code server.public_url}, else this server's own address (a
   * wildcard listen address becomes {@code localhost}: good for trying out, not for customers).
   */
  private static Supplier<String> baseUrl(ServerConfig config, IntSupplier port) {
    String fixed = config.delivery().tracking().publicUrl();
    if (fixed != null) {
      return () -> fixed;
    }
    String host = config.host();
    if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    } else if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    String h = host;
    if (config.port() != 0) {
      String url = "http://" + h + ":" + config.port();
      return () -> url;
    }
    return () -> "http://" + h + ":" + port.getAsInt();
  }

  /** The key that signs links (settings table, key {@code link_secret}), generated on first use. */
  private static String linkSecret(Database db) {
    StoredSecrets.Secret s = StoredSecrets.get(db, "link_secret", LinkSigner::newSecret);
    if (s.created()) {
      log.info("delivery: generated the key that signs links in messages (settings: link_secret)");
    }
    return s.value();
  }

  /**
   * The Standard Webhooks secret kept in the store: generated on first use, so webhooks are signed
   * from the first start and receivers can be given the secret later ({@code settings} table, key
   * {@code webhook_secret}).
   */
  private static String webhookSecret(Database db) {
    StoredSecrets.Secret s = StoredSecrets.get(db, "webhook_secret", WebhookSignature::newSecret);
    if (s.created()) {
      log.info(
          "delivery: generated a webhook signing secret, kept in the store (settings table,"
              + " key webhook_secret); channels.webhook.secret sets your own");
    }
    return s.value();
  }
}
