package io.kairos.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.DefinitionLoader;
import io.kairos.journey.Category;
import io.kairos.journey.JourneyLoadException;
import io.kairos.profile.Profile;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagePolicyTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  static Policies policies(String yaml) {
    try {
      return new DefinitionLoader()
          .load(List.of(new DefinitionLoader.Source("policies.yaml", yaml)))
          .policies();
    } catch (JourneyLoadException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static final Policies PACING =
      policies(
          """
          policies:
            quiet_hours: { from: "21:00", to: "08:00" }
            min_gap: 24h
            caps:
              - { max: 3, per: 7d }
              - { max: 1, per: 1d, channel: sms }
            channels:
              sms: { consent: opt_in }
              push: { quiet_hours: none }
          """);

  static long t(String iso) {
    return Timestamps.parse(iso);
  }

  static Message msg(String channel, Category c) {
    return new Message("m1", channel, c, null, 0, Long.MAX_VALUE, null);
  }

  static Profile ana() {
    Profile p = new Profile("ana");
    p.setTrait("email", "ana@example.com");
    p.setTrait("phone", "+491511234567");
    return p;
  }

  static Decision decide(Policies p, Message m, Profile who, Consent c, SendLog log, String now) {
    return new MessagePolicy(p).decide(m, new MessagePolicy.Recipient(who, c, BERLIN), log, t(now));
  }

  static SendLog log(String... entries) {
    SendLog log = new SendLog();
    for (String e : entries) {
      String[] parts = e.split(" ");
      log.add(t(parts[0]), parts[1]);
    }
    return log;
  }

  @Test
  void quietHoursDeferToTheNextLocalMorningNeverDrop() {
    Decision d =
        decide(PACING, msg("email", Category.MARKETING), ana(), null, null, "2026-03-02T21:30:00Z");
    // 22:30 in Berlin (UTC+1): inside 21:00-08:00, next allowed 08:00 local = 07:00Z.
    assertThat(d).isInstanceOf(Decision.Defer.class);
    assertThat(((Decision.Defer) d).until()).isEqualTo(t("2026-03-03T07:00:00Z"));
    assertThat(d.reason())
        .isEqualTo(
            "quiet hours 21:00-08:00 for email in Europe/Berlin (next allowed"
                + " 2026-03-03T07:00:00Z)");
  }

  @Test
  void quietHoursFollowTheProfilesZoneAcrossDst() {
    QuietHours q = new QuietHours(java.time.LocalTime.of(22, 0), java.time.LocalTime.of(2, 30));
    // Berlin springs forward on 2026-03-29 at 02:00 → 03:00: 02:30 does not exist, so 03:30 CEST.
    assertThat(q.nextAllowed(t("2026-03-28T23:00:00Z"), BERLIN))
        .isEqualTo(t("2026-03-29T01:30:00Z"));
    // New York falls back on 2026-11-01 at 02:00 → 01:00; 01:30 happens twice.
    QuietHours overlap =
        new QuietHours(java.time.LocalTime.of(0, 0), java.time.LocalTime.of(1, 30));
    // 00:45 EDT (04:45Z) → the first 01:30 (EDT, 05:30Z).
    assertThat(overlap.nextAllowed(t("2026-11-01T04:45:00Z"), NEW_YORK))
        .isEqualTo(t("2026-11-01T05:30:00Z"));
    // 01:10 EST, after the fold (06:10Z): the first 01:30 is past, so the second (06:30Z).
    assertThat(overlap.nextAllowed(t("2026-11-01T06:10:00Z"), NEW_YORK))
        .isEqualTo(t("2026-11-01T06:30:00Z"));
    // Outside the window: unchanged. A window within one day: until its end.
    assertThat(q.nextAllowed(t("2026-03-02T12:00:00Z"), BERLIN))
        .isEqualTo(t("2026-03-02T12:00:00Z"));
    QuietHours lunch = new QuietHours(java.time.LocalTime.of(12, 0), java.time.LocalTime.of(14, 0));
    assertThat(lunch.nextAllowed(t("2026-07-01T10:30:00Z"), BERLIN))
        .isEqualTo(t("2026-07-01T12:00:00Z"));
  }

  @Test
  void aGapEndingInQuietHoursWaitsForTheMorning() {
    Decision d =
        decide(
            PACING,
            msg("email", Category.MARKETING),
            ana(),
            null,
            log("2026-03-03T20:00:00Z email"),
            "2026-03-04T10:00:00Z");
    // gap ends 03-04 20:00Z = 21:00 local, quiet → 08:00 local = 07:00Z.
    assertThat(((Decision.Defer) d).until()).isEqualTo(t("2026-03-05T07:00:00Z"));
    assertThat(d.reason())
        .isEqualTo(
            "min_gap 24h after the marketing message at 2026-03-03T20:00:00Z; quiet hours"
                + " 21:00-08:00 for email in Europe/Berlin (next allowed 2026-03-05T07:00:00Z)");
  }

  @Test
  void gapAndCapSettleOnTheEarliestMomentAllowingBoth() {
    // Three marketing messages this week; the last at 20:00Z yesterday (21:00 local).
    SendLog history =
        log(
            "2026-03-01T09:00:00Z email",
            "2026-03-02T09:00:00Z push",
            "2026-03-03T20:00:00Z email");
    Decision d =
        decide(
            PACING, msg("email", Category.MARKETING), ana(), null, history, "2026-03-04T10:00:00Z");
    // gap: 03-04 20:00Z → cap (3 per 7d): the oldest (03-01 09:00Z) stops counting at
    // 03-08 09:00Z, which is 10:00 local: allowed by every rule.
    assertThat(((Decision.Defer) d).until()).isEqualTo(t("2026-03-08T09:00:00Z"));
    assertThat(d.reason())
        .isEqualTo(
            "min_gap 24h after the marketing message at 2026-03-03T20:00:00Z; cap 3 per 7d across"
                + " channels reached; the oldest counted message stops counting at"
                + " 2026-03-08T09:00:00Z");
  }

  @Test
  void aCapThatFreesInsideQuietHoursWaitsForTheMorning() {
    SendLog history =
        log(
            "2026-03-01T22:30:00Z push",
            "2026-03-02T09:00:00Z email",
            "2026-03-03T09:00:00Z email");
    Decision d =
        decide(
            PACING, msg("email", Category.MARKETING), ana(), null, history, "2026-03-05T10:00:00Z");
    // Cap frees at 03-08 22:30Z = 23:30 local (quiet) → 03-09 07:00Z (08:00 local).
    assertThat(((Decision.Defer) d).until()).isEqualTo(t("2026-03-09T07:00:00Z"));
  }

  @Test
  void lifecycleIsMarketingButTransactionalBypassesEverythingButAddressAndBounce() {
    SendLog history = log("2026-03-02T09:00:00Z email");
    assertThat(
            decide(
                PACING,
                msg("email", Category.LIFECYCLE),
                ana(),
                null,
                history,
                "2026-03-02T10:00:00Z"))
        .isInstanceOf(Decision.Defer.class);
    Consent c = new Consent();
    c.set(null, null, false, t("2026-03-01T00:00:00Z"), "Unsubscribed");
    assertThat(
            decide(
                PACING,
                msg("email", Category.TRANSACTIONAL),
                ana(),
                c,
                history,
                "2026-03-02T23:00:00Z"))
        .isEqualTo(
            new Decision.SendNow(
                "transactional: consent, quiet hours, caps and gaps do not apply"));
    c.bounce("email", "ana@example.com", t("2026-03-01T00:00:00Z"), "Email Bounced (hard)");
    assertThat(
            decide(
                PACING,
                msg("email", Category.TRANSACTIONAL),
                ana(),
                c,
                null,
                "2026-03-02T12:00:00Z"))
        .isEqualTo(
            new Decision.Skip(
                "suppressed",
                "suppressed: ana@example.com hard-bounced (Email Bounced (hard) at"
                    + " 2026-03-01T00:00:00Z)"));
    Profile moved = ana();
    moved.setTrait("email", "ana@new.example");
    assertThat(
            decide(
                PACING,
                msg("email", Category.TRANSACTIONAL),
                moved,
                c,
                null,
                "2026-03-02T12:00:00Z"))
        .isInstanceOf(Decision.SendNow.class);
    Profile none = new Profile("x");
    assertThat(
            decide(
                PACING,
                msg("sms", Category.TRANSACTIONAL),
                none,
                null,
                null,
                "2026-03-02T12:00:00Z"))
        .isEqualTo(
            new Decision.Skip("no_address", "no sms address: the profile has no 'phone' trait"));
  }

  @Test
  void consentScopesBroadestFirstAndOptInChannels() {
    Consent c = new Consent();
    c.set(
        "email",
        "promotions",
        false,
        t("2026-03-01T00:00:00Z"),
        "Unsubscribed {channel: email, topic: promotions}");
    Message promo =
        new Message("m", "email", Category.MARKETING, "promotions", 0, Long.MAX_VALUE, null);
    Message news = new Message("m", "email", Category.MARKETING, "news", 0, Long.MAX_VALUE, null);
    assertThat(decide(PACING, promo, ana(), c, null, "2026-03-02T12:00:00Z"))
        .isEqualTo(
            new Decision.Skip(
                "unsubscribed",
                "unsubscribed from topic 'promotions' on email (Unsubscribed {channel: email, topic:"
                    + " promotions} at 2026-03-01T00:00:00Z)"));
    assertThat(decide(PACING, news, ana(), c, null, "2026-03-02T12:00:00Z"))
        .isInstanceOf(Decision.SendNow.class);
    // Subscribing to the whole channel does not undo a topic's unsubscribe.
    c.set("email", null, true, t("2026-03-02T00:00:00Z"), "Subscribed {channel: email}");
    assertThat(decide(PACING, promo, ana(), c, null, "2026-03-02T12:00:00Z"))
        .isInstanceOf(Decision.Skip.class);
    // sms is opt_in: nothing said → skipped; opted in → sent.
    assertThat(
            decide(
                PACING, msg("sms", Category.MARKETING), ana(), null, null, "2026-03-02T12:00:00Z"))
        .isEqualTo(
            new Decision.Skip(
                "not_opted_in",
                "sms marketing needs an opt-in (consent: opt_in) and the profile gave none"));
    c.set("sms", null, true, t("2026-03-02T00:00:00Z"), "Subscribed {channel: sms}");
    assertThat(
            decide(PACING, msg("sms", Category.MARKETING), ana(), c, null, "2026-03-02T12:00:00Z"))
        .isInstanceOf(Decision.SendNow.class);
    // A later global unsubscribe blocks every marketing message.
    c.set(null, null, false, t("2026-03-02T01:00:00Z"), "Unsubscribed");
    assertThat(
            decide(PACING, msg("sms", Category.MARKETING), ana(), c, null, "2026-03-02T12:00:00Z")
                .reason())
        .isEqualTo("unsubscribed from everything (Unsubscribed at 2026-03-02T01:00:00Z)");
  }

  @Test
  void aMessageThatCannotGoOutBeforeItExpiresIsSkippedWithTheReason() {
    Message m =
        new Message(
            "m",
            "email",
            Category.MARKETING,
            null,
            t("2026-03-02T20:30:00Z"),
            t("2026-03-03T00:30:00Z"),
            "4h");
    assertThat(decide(PACING, m, ana(), null, null, "2026-03-02T20:30:00Z"))
        .isEqualTo(
            new Decision.Skip(
                "expired",
                "expired: the earliest allowed moment 2026-03-03T07:00:00Z is after its expiry at"
                    + " 2026-03-03T00:30:00Z (expire_after 4h); held by quiet hours 21:00-08:00 for"
                    + " email in Europe/Berlin (next allowed 2026-03-03T07:00:00Z)"));
  }

  @Test
  void withoutAPoliciesSectionOnlyConsentAndSuppressionApply() {
    Profile bare = new Profile("x");
    assertThat(
            decide(
                Policies.NONE,
                msg("email", Category.MARKETING),
                bare,
                null,
                log("2026-03-02T11:00:00Z email"),
                "2026-03-02T23:00:00Z"))
        .isInstanceOf(Decision.SendNow.class);
    Consent c = new Consent();
    c.set("email", null, false, 0, "Email Marked as Spam");
    assertThat(
            decide(
                Policies.NONE,
                msg("email", Category.MARKETING),
                bare,
                c,
                null,
                "2026-03-02T23:00:00Z"))
        .isInstanceOf(Decision.Skip.class);
  }

  @Test
  void perChannelGapCountsOnlyThatChannel() {
    Policies p =
        policies(
            """
            policies:
              channels:
                sms: { min_gap: 3d, address: none }
            """);
    SendLog history = log("2026-03-01T12:00:00Z sms", "2026-03-02T12:00:00Z email");
    assertThat(
            ((Decision.Defer)
                    decide(
                        p,
                        msg("sms", Category.MARKETING),
                        new Profile("x"),
                        null,
                        history,
                        "2026-03-02T13:00:00Z"))
                .until())
        .isEqualTo(t("2026-03-04T12:00:00Z"));
    assertThat(
            decide(
                p, msg("email", Category.MARKETING), ana(), null, history, "2026-03-02T13:00:00Z"))
        .isInstanceOf(Decision.SendNow.class);
  }
}
