package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * S4, S19 and S20 end to end through the command line, against every example journey and the
 * workspace policies in {@code examples/journeys/policies.yaml} (quiet hours 21:00-08:00, SMS
 * 20:00-09:00, 24h gap, 3 marketing messages a week). Expected lines were worked out from the
 * definitions and docs/policies.md, not copied from a run.
 */
class PacingScenariosTest {

  private static List<String> run(String timeline, String... journeys) {
    return Cli.ofJourneys(Cli.example(timeline), journeys).stream()
        .filter(l -> !l.endsWith(",enter") && !l.endsWith(",complete"))
        .toList();
  }

  @Test
  void s20PacingGapWeeklyCapQuietHoursPriorityAndExpiry() {
    assertThat(run("s20-pacing.jsonl", "pacing-welcome", "pacing-promo"))
        .containsExactly(
            // Paz (New York): welcome at 09:00 local; the promotion 2h later waits out the 24h gap.
            "pacing-welcome,paz,2026-03-02T14:00:00Z,step-1,send email welcome-pacing",
            "pacing-promo,paz,2026-03-02T16:00:00Z,step-1,defer email price-drop until 2026-03-03T14:00:00Z",
            // Quim (Berlin) at 22:00 and 22:30 local: both wait for 08:00 local.
            "pacing-promo,quim,2026-03-02T21:00:00Z,step-1,defer email price-drop until 2026-03-03T07:00:00Z",
            "pacing-welcome,quim,2026-03-02T21:30:00Z,step-1,defer email welcome-pacing until 2026-03-03T07:00:00Z",
            // Due together: lifecycle first, though the promotion was deferred earlier; the
            // promotion then waits out the gap after the welcome. Deferred, never dropped.
            "pacing-welcome,quim,2026-03-03T07:00:00Z,step-1,send email welcome-pacing",
            "pacing-promo,quim,2026-03-03T07:00:00Z,step-1,defer email price-drop until 2026-03-04T07:00:00Z",
            "pacing-promo,paz,2026-03-03T14:00:00Z,step-1,send email price-drop",
            "pacing-promo,quim,2026-03-04T07:00:00Z,step-1,send email price-drop",
            // Paz's third marketing message of the week.
            "pacing-promo,paz,2026-03-04T20:00:00Z,step-1,send email price-drop",
            // A fourth: the cap frees at 03-09 09:00 local (13:00Z: New York is on daylight time
            // since 03-08), after the 2-day expiry (03-08 10:00 local = 14:00Z): dropped, with why.
            "pacing-promo,paz,2026-03-06T15:00:00Z,step-1,skip email price-drop (expired)",
            "pacing-promo,paz,2026-03-09T16:00:00Z,step-1,send email price-drop");
  }

  @Test
  void s04TransactionalIgnoresQuietHoursAndGapsButNotAMissingAddress() {
    assertThat(
            run(
                "s04-order-updates.jsonl",
                "order-confirmation",
                "order-shipped",
                "order-delivered"))
        .containsExactly(
            "order-confirmation,piet,2026-03-02T12:00:00Z,step-1,send email order-confirmation-with-delivery-date",
            "order-confirmation,piet,2026-03-02T12:00:00Z,step-2,send email next-purchase-discount",
            // Olga orders at 23:30 Berlin time, 5h30 after a price-drop email: the confirmation
            // goes at once; the discount waits for the morning and then for the 24h gap.
            "order-confirmation,olga,2026-03-02T22:30:00Z,step-1,send email order-confirmation-with-delivery-date",
            "order-confirmation,olga,2026-03-02T22:30:00Z,step-2,defer email next-purchase-discount until 2026-03-03T17:00:00Z",
            "order-shipped,olga,2026-03-03T09:00:00Z,step-1,send email shipping-update-with-tracking-link",
            "order-confirmation,olga,2026-03-03T17:00:00Z,step-2,send email next-purchase-discount",
            "order-delivered,olga,2026-03-04T12:00:00Z,step-1,send push order-delivered",
            // Piet has no app: no push token, so not even a transactional push.
            "order-delivered,piet,2026-03-05T12:00:00Z,step-1,skip push order-delivered (no_address)");
  }

  @Test
  void s19OneJourneyFourChannelsEachWithItsConsentAndAddress() {
    assertThat(
            run("s19-multichannel.jsonl", "back-in-stock").stream()
                .filter(l -> l.contains(",send ") || l.contains(",skip ")))
        .containsExactly(
            "back-in-stock,sol,2026-03-02T10:00:00Z,step-1,send email back-in-stock",
            "back-in-stock,tom,2026-03-02T10:00:00Z,step-1,send email back-in-stock",
            "back-in-stock,uli,2026-03-02T10:00:00Z,step-1,skip email back-in-stock (unsubscribed)",
            "back-in-stock,sol,2026-03-03T10:00:00Z,step-3,skip sms back-in-stock-sms (unsubscribed)",
            "back-in-stock,tom,2026-03-03T10:00:00Z,step-3,skip sms back-in-stock-sms (no_address)",
            "back-in-stock,uli,2026-03-03T10:00:00Z,step-3,send sms back-in-stock-sms",
            "back-in-stock,sol,2026-03-04T10:00:00Z,step-5,send push back-in-stock-push",
            "back-in-stock,tom,2026-03-04T10:00:00Z,step-5,skip push back-in-stock-push (no_address)",
            "back-in-stock,uli,2026-03-04T10:00:00Z,step-5,send push back-in-stock-push",
            "back-in-stock,sol,2026-03-05T10:00:00Z,step-7,send webhook back-in-stock-whatsapp",
            "back-in-stock,tom,2026-03-05T10:00:00Z,step-7,send webhook back-in-stock-whatsapp",
            "back-in-stock,uli,2026-03-05T10:00:00Z,step-7,send webhook back-in-stock-whatsapp");
  }
}
