package io.kairos.channel.sms;

import io.kairos.channel.Content;
import io.kairos.channel.Delivery;

/** The SMS a delivery carries; any other content is a dispatcher bug. */
final class SmsContent {

  private SmsContent() {}

  static Content.Sms of(Delivery delivery) {
    if (delivery.content() instanceof Content.Sms sms) {
      return sms;
    }
    throw new IllegalArgumentException(
        "the sms channel sends Content.Sms, got " + delivery.content().getClass().getSimpleName());
  }
}
