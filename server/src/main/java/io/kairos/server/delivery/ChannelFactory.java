package io.kairos.server.delivery;

import io.kairos.channel.Channel;
import io.kairos.channel.email.SmtpChannel;
import io.kairos.channel.email.SmtpSettings;
import io.kairos.channel.fcm.FcmChannel;
import io.kairos.channel.fcm.FcmSettings;
import io.kairos.channel.fcm.ServiceAccount;
import io.kairos.channel.sms.HttpGatewaySmsChannel;
import io.kairos.channel.sms.SmsSettings;
import io.kairos.channel.sms.TwilioSmsChannel;
import io.kairos.channel.webhook.WebhookChannel;
import io.kairos.channel.webhook.WebhookSettings;
import io.kairos.channel.webpush.VapidKeys;
import io.kairos.channel.webpush.WebPushChannel;
import io.kairos.channel.webpush.WebPushSettings;
import io.kairos.server.config.ConfigException;
import io.kairos.server.config.DeliveryConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the channel adapters the configuration asks for. Settings the adapters refuse stop the
 * start with a message naming the configuration key.
 */
final class ChannelFactory {
  private ChannelFactory() {}

  static Map<String, Channel> build(
      DeliveryConfig config, int threads, String webhookSecret, InstantSource clock) {
    Map<String, Channel> channels = new LinkedHashMap<>();
    if (config.email() != null) {
      channels.put("email", email(config.email(), threads, clock));
    }
    if (config.sms() != null) {
      channels.put("sms", sms(config.sms(), config.tracking().publicUrl(), clock));
    }
    if (config.push() != null) {
      channels.put("push", push(config.push()));
    }
    DeliveryConfig.Webhook w = config.webhook();
    channels.put(
        "webhook",
        configured(
            "channels.webhook.",
            () ->
                new WebhookChannel(
                    WebhookSettings.defaults(webhookSecret)
                        .withRequestTimeout(w.timeout())
                        .withAllowList(w.allow())
                        .withClock(clock))));
    return channels;
  }

  private static Channel email(DeliveryConfig.Email e, int threads, InstantSource clock) {
    String domain = e.messageIdDomain();
    if (domain == null) {
      int at = e.from().lastIndexOf('@');
      domain = at < 0 ? null : e.from().substring(at + 1).replace(">", "").trim();
    }
    if (domain == null || domain.isBlank()) {
      throw new ConfigException(
          "channels.email.message_id_domain: required when channels.email.from has no domain");
    }
    String messageIdDomain = domain;
    return configured(
        "channels.email.",
        () -> {
          SmtpSettings.Builder b =
              SmtpSettings.builder(e.host(), messageIdDomain)
                  .port(e.port())
                  .security(SmtpSettings.Security.parse(e.security()))
                  .readTimeout(e.timeout())
                  .writeTimeout(e.timeout())
                  .poolSize(threads);
          if (e.username() != null) {
            b.credentials(e.username(), e.password());
          }
          if (e.dkimDomain() != null || e.dkimSelector() != null || e.dkimKeyFile() != null) {
            b.dkim(e.dkimDomain(), e.dkimSelector(), read("channels.email.dkim.key_file", e));
          }
          return new SmtpChannel(b.build(), clockOf(clock));
        });
  }

  private static String read(String key, DeliveryConfig.Email e) {
    if (e.dkimKeyFile() == null) {
      return null;
    }
    try {
      return Files.readString(e.dkimKeyFile(), StandardCharsets.UTF_8);
    } catch (IOException x) {
      throw new ConfigException(key + ": cannot read " + e.dkimKeyFile() + ": " + x.getMessage());
    }
  }

  /**
   * The SMS channel. With {@code server.public_url} set, Twilio is asked to report each text's
   * delivery to {@code /v1/sms/twilio/status} there ({@link SmsWebhooks}); without it, Twilio could
   * not reach the server, so nothing is asked.
   */
  private static Channel sms(DeliveryConfig.Sms s, String publicUrl, InstantSource clock) {
    return configured(
        "channels.sms.",
        () -> {
          if (s.provider().equals("twilio")) {
            SmsSettings.Twilio t =
                s.twilioMessagingServiceSid() != null
                    ? SmsSettings.Twilio.viaMessagingService(
                        s.twilioAccountSid(), s.twilioAuthToken(), s.twilioMessagingServiceSid())
                    : SmsSettings.Twilio.defaults(
                        s.twilioAccountSid(), s.twilioAuthToken(), s.from());
            t = t.withBaseUrl(s.twilioBaseUrl()).withClock(clock);
            if (publicUrl != null) {
              t = t.withStatusCallback(publicUrl + SmsWebhooks.TWILIO_STATUS);
            }
            return new TwilioSmsChannel(t);
          }
          SmsSettings.Gateway g = SmsSettings.Gateway.defaults(s.httpUrl()).withClock(clock);
          if (s.httpToken() != null) {
            g = g.withBearerToken(s.httpToken());
          }
          if (s.from() != null) {
            g = g.withFrom(s.from());
          }
          return new HttpGatewaySmsChannel(g);
        });
  }

  private static Channel push(DeliveryConfig.Push p) {
    Channel webPush = null;
    if (p.vapidPublicKey() != null) {
      webPush =
          configured(
              "channels.push.vapid.",
              () ->
                  new WebPushChannel(
                      WebPushSettings.of(
                          VapidKeys.fromBase64Url(p.vapidPublicKey(), p.vapidPrivateKey()),
                          p.vapidSubject())));
    }
    Channel fcm = null;
    if (p.fcmServiceAccount() != null) {
      fcm =
          configured(
              "channels.push.fcm.",
              () -> {
                try {
                  return new FcmChannel(
                      FcmSettings.of(ServiceAccount.fromFile(p.fcmServiceAccount()))
                          .withBaseUrl(p.fcmBaseUrl()));
                } catch (IOException x) {
                  throw new IllegalArgumentException(
                      "service_account: cannot read " + p.fcmServiceAccount() + ": " + x);
                }
              });
    }
    return new PushChannels(webPush, fcm);
  }

  private static Clock clockOf(InstantSource clock) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clock.instant();
      }
    };
  }

  private interface Build {
    Channel build();
  }

  /**
   * Runs {@code build}; an adapter's refusal becomes a configuration error under {@code prefix}.
   */
  private static Channel configured(String prefix, Build build) {
    try {
      return build.build();
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
      String m = e.getMessage() == null ? e.toString() : e.getMessage();
      // The adapters name their own fields (webhook.signingSecret, sms.twilio.accountSid): under
      // the server's key of the channel, without repeating the channel's name.
      String[] parts = prefix.split("\\.");
      String channel = parts[parts.length - 1] + ".";
      if (m.startsWith(channel)) {
        m = m.substring(channel.length());
      }
      throw new ConfigException(prefix + m);
    }
  }
}
