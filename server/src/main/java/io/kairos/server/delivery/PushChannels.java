package io.kairos.server.delivery;

import io.kairos.channel.Channel;
import io.kairos.channel.Content;
import io.kairos.channel.Delivery;
import io.kairos.channel.Outcome;

/**
 * The {@code push} channel: a browser subscription goes through Web Push, a device token through
 * FCM. Either may be unconfigured; a message for it then fails with the keys to set.
 */
final class PushChannels implements Channel {
  private final Channel webPush;
  private final Channel fcm;

  PushChannels(Channel webPush, Channel fcm) {
    this.webPush = webPush;
    this.fcm = fcm;
  }

  @Override
  public String name() {
    return "push";
  }

  @Override
  public Outcome send(Delivery d) {
    Content.Push push = (Content.Push) d.content();
    if (push.target() instanceof Content.WebPushSubscription) {
      return webPush != null
          ? webPush.send(d)
          : new Outcome.Failed("Web Push is not configured (channels.push.vapid.*)");
    }
    return fcm != null
        ? fcm.send(d)
        : new Outcome.Failed("FCM is not configured (channels.push.fcm.service_account)");
  }

  @Override
  public void close() {
    if (webPush != null) {
      webPush.close();
    }
    if (fcm != null) {
      fcm.close();
    }
  }
}
