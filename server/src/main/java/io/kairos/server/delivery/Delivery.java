package io.kairos.server.delivery;

import io.kairos.channel.Channel;
import io.kairos.channel.webhook.WebhookSignature;
import io.kairos.server.config.DeliveryConfig;
import io.kairos.server.config.ServerConfig;
import io.kairos.server.definitions.DefinitionManager;
import io.kairos.server.http.Authenticator;
import io.kairos.server.ingest.EventLog;
import io.kairos.server.runtime.LiveRuntime;
import io.kairos.server.store.Database;
import io.kairos.server.store.StoredSecrets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
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
  private final SmsWebhooks smsWebhooks;

  private Delivery(Dispatcher dispatcher, TemplatePreviewApi previewApi, SmsWebhooks smsWebhooks) {
    this.dispatcher = dispatcher;
    this.previewApi = previewApi;
    this.smsWebhooks = smsWebhooks;
  }

  /** Delivers what the runtime writes to the outbox. */
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Template previews and test sends. */
  public TemplatePreviewApi previewApi() {
    return previewApi;
  }

  /** What SMS providers post back: replies (STOP, START, ...) and delivery reports. */
  public SmsWebhooks smsWebhooks() {
    return smsWebhooks;
  }

  /**
   * Builds the channels the configuration asks for, the renderer, the dispatcher and the API.
   *
   * @param inbox the {@code inbox} channel (the server's own)
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
      InstantSource clock) {
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
            config.shutdownGrace());
    TemplateRendering rendering =
        new TemplateRendering(definitions, TemplateRendering.Links.NONE, RENDER_DEADLINE);
    Recipients recipients = new Recipients(db, runtime, definitions);
    MessageComposer composer =
        new MessageComposer(
            rendering,
            new MessageComposer.Senders(
                d.email() == null ? null : d.email().from(),
                d.email() == null ? null : d.email().replyTo(),
                d.sms() == null ? null : d.sms().from()));
    Dispatcher dispatcher =
        new Dispatcher(settings, db, eventLog, recipients, composer, channels, clock);
    runtime.onOutbox(dispatcher::wake);
    log.info(
        "delivery: channels configured: {}{}",
        channels.keySet(),
        d.enabled() ? "" : " (delivery.enabled is false: nothing is sent)");
    SmsWebhooks sms =
        new SmsWebhooks(
            d.sms(),
            d.tracking().publicUrl(),
            config.host(),
            db,
            eventLog,
            recipients,
            new ProfilesByPhone(db, definitions),
            clock);
    return new Delivery(
        dispatcher,
        new TemplatePreviewApi(auth, recipients, rendering, composer, channels, clock),
        sms);
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
