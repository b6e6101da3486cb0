package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scenarios of the engine-core issue, end to end through the command line: each timeline in
 * {@code examples/timelines} runs against every example journey (as they would all be live), and
 * the effects of the scenario's own journeys are asserted exactly, time by time. The expected lines
 * were worked out from the journey definitions, not copied from a run.
 */
class ScenariosTest {

  /** CSV lines of the run whose journey is one of {@code journeys}. */
  /** CSV lines of the run whose journey is one of {@code journeys}. */
  private static List<String> run(String timeline, String... journeys) {
    return Cli.ofJourneys(Cli.example(timeline), journeys);
  }

  @Test
  void s01WelcomeAtOnceAndATourNextDayUnlessTheProductWasUsed() {
    assertThat(run("s01-welcome.jsonl", "welcome"))
        .containsExactly(
            "welcome,ana,2026-03-02T09:00:00Z,trigger,enter",
            "welcome,ana,2026-03-02T09:00:00Z,step-1,send email welcome",
            "welcome,ana,2026-03-02T09:00:00Z,step-2,wait until 2026-03-03T09:00:00Z",
            "welcome,bob,2026-03-02T10:30:00Z,trigger,enter",
            "welcome,bob,2026-03-02T10:30:00Z,step-1,send email welcome",
            "welcome,bob,2026-03-02T10:30:00Z,step-2,wait until 2026-03-03T10:30:00Z",
            "welcome,bob,2026-03-02T15:00:00Z,conversion,convert",
            "welcome,ana,2026-03-03T09:00:00Z,step-3,branch to tour",
            "welcome,ana,2026-03-03T09:00:00Z,tour,send email product-tour",
            "welcome,ana,2026-03-03T09:00:00Z,end,complete",
            "welcome,bob,2026-03-03T10:30:00Z,step-3,branch to end",
            "welcome,bob,2026-03-03T10:30:00Z,end,complete",
            "welcome,ana,2026-03-04T12:00:00Z,trigger,entry refused");
  }

  @Test
  void s02ReactivationOncePerQuietPeriodCancelledByActivity() {
    List<String> lines = run("s02-reactivation.jsonl", "reactivation-7d", "reactivation-30d");
    assertThat(lines.stream().filter(l -> l.contains(",send ")))
        .containsExactly(
            "reactivation-7d,carla,2026-03-08T08:00:00Z,step-1,send email key-features-and-why-survey",
            "reactivation-7d,dan,2026-03-12T09:00:00Z,step-1,send email key-features-and-why-survey",
            "reactivation-7d,carla,2026-03-17T08:00:00Z,step-1,send email key-features-and-why-survey",
            "reactivation-30d,dan,2026-04-04T09:00:00Z,step-1,send email we-miss-you-offer",
            "reactivation-30d,carla,2026-04-09T08:00:00Z,step-1,send email we-miss-you-offer");
    // Carla came back within the conversion window of the first re-engagement email.
    assertThat(lines.stream().filter(l -> l.contains(",convert")))
        .containsExactly("reactivation-7d,carla,2026-03-10T08:00:00Z,conversion,convert");
  }

  @Test
  void s03AbandonedCartReminderDiscountSurveyAndFollowUp() {
    assertThat(run("s03-abandoned-cart.jsonl", "abandoned-cart"))
        .containsExactly(
            "abandoned-cart,eve,2026-03-02T10:00:00Z,trigger,enter",
            "abandoned-cart,eve,2026-03-02T10:00:00Z,step-1,wait until 2026-03-02T11:00:00Z",
            "abandoned-cart,finn,2026-03-02T10:05:00Z,trigger,enter",
            "abandoned-cart,finn,2026-03-02T10:05:00Z,step-1,wait until 2026-03-02T11:05:00Z",
            "abandoned-cart,gus,2026-03-02T10:10:00Z,trigger,enter",
            "abandoned-cart,gus,2026-03-02T10:10:00Z,step-1,wait until 2026-03-02T11:10:00Z",
            "abandoned-cart,gus,2026-03-02T10:40:00Z,conversion,convert 12.0",
            "abandoned-cart,gus,2026-03-02T10:40:00Z,step-1,exit exit_on",
            "abandoned-cart,eve,2026-03-02T11:00:00Z,step-2,branch to reminder-with-discount",
            "abandoned-cart,eve,2026-03-02T11:00:00Z,reminder-with-discount,send email cart-reminder-discount-with-survey",
            "abandoned-cart,eve,2026-03-02T11:00:00Z,await-answer,wait until 2026-03-04T11:00:00Z",
            "abandoned-cart,finn,2026-03-02T11:05:00Z,step-2,branch to reminder",
            "abandoned-cart,finn,2026-03-02T11:05:00Z,reminder,send email cart-reminder-with-survey",
            "abandoned-cart,finn,2026-03-02T11:05:00Z,await-answer,wait until 2026-03-04T11:05:00Z",
            "abandoned-cart,eve,2026-03-02T13:00:00Z,await-answer,event arrived",
            "abandoned-cart,eve,2026-03-02T13:00:00Z,step-7,branch to free-shipping",
            // The reminder went at 11:00: the code waits for the workspace's 24h gap
            // (policies.yaml).
            "abandoned-cart,eve,2026-03-02T13:00:00Z,free-shipping,defer email free-shipping-code until 2026-03-03T11:00:00Z",
            "abandoned-cart,eve,2026-03-02T13:00:00Z,step-9,exit exit_step",
            "abandoned-cart,eve,2026-03-03T09:00:00Z,conversion,convert 399.0",
            "abandoned-cart,eve,2026-03-03T11:00:00Z,free-shipping,send email free-shipping-code",
            "abandoned-cart,finn,2026-03-04T11:05:00Z,await-answer,timed out",
            "abandoned-cart,finn,2026-03-04T11:05:00Z,end,complete");
  }

  @Test
  void s05NurtureSeriesSkipsContentOnceConverted() {
    assertThat(
            run("s05-ebook-nurture.jsonl", "ebook-nurture").stream()
                .filter(l -> l.contains(",send ") || l.contains(",convert")))
        .containsExactly(
            "ebook-nurture,hana,2026-03-03T09:00:00Z,step-3,send email related-content-1",
            "ebook-nurture,ivan,2026-03-03T09:30:00Z,step-3,send email related-content-1",
            "ebook-nurture,ivan,2026-03-05T14:00:00Z,conversion,convert",
            "ebook-nurture,ivan,2026-03-09T09:30:00Z,step-11,send email newsletter-offer",
            // Hana's second email waits a day: the 7-day reactivation email went at the same
            // moment.
            "ebook-nurture,hana,2026-03-10T09:00:00Z,step-6,send email related-content-2",
            "ebook-nurture,hana,2026-03-16T09:00:00Z,step-9,send email related-content-3",
            "ebook-nurture,hana,2026-03-17T09:00:00Z,step-11,send email newsletter-offer");
  }

  @Test
  void s06NegativeFeedbackAlertsSupportAndApologises() {
    assertThat(run("s06-negative-feedback.jsonl", "negative-feedback"))
        .containsExactly(
            "negative-feedback,jon,2026-03-02T18:00:00Z,trigger,enter",
            "negative-feedback,jon,2026-03-02T18:00:00Z,step-1,webhook POST https://support.example.com/hooks/unhappy-customer",
            "negative-feedback,jon,2026-03-02T18:00:00Z,step-2,wait until 2026-03-02T18:05:00Z",
            "negative-feedback,jon,2026-03-02T18:05:00Z,step-3,send email apology-with-discount",
            "negative-feedback,jon,2026-03-02T18:05:00Z,step-4,update last_negative_feedback_at +tag recovering",
            "negative-feedback,jon,2026-03-02T18:05:00Z,end,complete");
  }

  @Test
  void s10ServiceAndPricingPageVisitors() {
    assertThat(
            run("s10-browsing.jsonl", "service-page-interest", "pricing-page-interest").stream()
                .filter(l -> !l.contains(",wait until")))
        .containsExactly(
            "pricing-page-interest,lea,2026-03-02T11:00:00Z,trigger,enter",
            "service-page-interest,max,2026-03-02T11:05:00Z,trigger,enter",
            "service-page-interest,max,2026-03-02T11:20:00Z,trigger,entry refused",
            "pricing-page-interest,nia,2026-03-02T12:00:00Z,trigger,enter",
            "service-page-interest,max,2026-03-02T12:05:00Z,step-2,send email service-benefits",
            "service-page-interest,max,2026-03-02T12:05:00Z,end,complete",
            "pricing-page-interest,lea,2026-03-02T13:00:00Z,step-2,send email pricing-comparison",
            "pricing-page-interest,lea,2026-03-02T13:00:00Z,end,complete",
            "pricing-page-interest,nia,2026-03-02T13:00:00Z,conversion,convert 99.0",
            "pricing-page-interest,nia,2026-03-02T13:00:00Z,step-1,exit exit_on");
  }

  @Test
  void s11SearchedProductOfferOncePerDayUnlessTheyBuy() {
    assertThat(
            run("s11-searched-product.jsonl", "searched-product").stream()
                .filter(l -> !l.contains(",wait until")))
        .containsExactly(
            "searched-product,omar,2026-03-02T20:00:00Z,trigger,enter",
            "searched-product,pia,2026-03-02T20:00:00Z,trigger,enter",
            "searched-product,omar,2026-03-02T20:10:00Z,trigger,entry refused",
            "searched-product,pia,2026-03-02T20:20:00Z,conversion,convert 35.0",
            "searched-product,pia,2026-03-02T20:20:00Z,step-1,exit exit_on",
            "searched-product,omar,2026-03-02T20:30:00Z,step-2,send email search-discount",
            "searched-product,omar,2026-03-02T20:30:00Z,end,complete",
            "searched-product,omar,2026-03-03T21:00:00Z,trigger,enter");
  }

  @Test
  void s13RetargetingUnlessThatVeryProductWasBought() {
    // Uma and Vic only browse the evening before, which teaches the model what is viewed together.
    assertThat(
            run("s13-retargeting.jsonl", "retargeting").stream()
                .filter(l -> l.contains(",quin,") || l.contains(",rosa,") || l.contains(",sam,"))
                .filter(l -> l.contains(",send ") || l.contains(",exit ")))
        .containsExactly(
            "retargeting,rosa,2026-03-02T18:00:00Z,step-1,exit exit_on",
            "retargeting,quin,2026-03-03T09:00:00Z,discount,send email product-discount",
            // Sam's order brought a next-purchase discount at 17:00 (S4): 24h gap after it.
            "retargeting,sam,2026-03-03T17:00:00Z,discount,send email product-discount");
    // The sofa was viewed with the armchair by Uma and Vic and with the rug by Uma; the desk with
    // the chair by Vic.
    List<String> sends =
        Cli.example("s13-retargeting.jsonl", "--format", "jsonl").stream()
            .filter(
                l -> l.contains("\"journey\":\"retargeting\"") && l.contains("\"kind\":\"send\""))
            .toList();
    assertThat(sends.stream().filter(l -> l.contains("\"profile\":\"quin\"")))
        .singleElement()
        .asString()
        .contains("data: similar=[armchair-2, rug-4]");
    assertThat(sends.stream().filter(l -> l.contains("\"profile\":\"sam\"")))
        .singleElement()
        .asString()
        .contains("data: similar=[chair-7]");
  }

  @Test
  void s14ReplenishmentSixMonthsLaterRestartedByAReorder() {
    assertThat(
            run("s14-replenishment.jsonl", "replenishment").stream()
                .filter(l -> !l.contains(",wait until") && !l.contains(",complete")))
        .containsExactly(
            "replenishment,tara,2026-01-31T10:00:00Z,trigger,enter",
            "replenishment,uma,2026-02-01T10:00:00Z,trigger,enter",
            "replenishment,uma,2026-06-15T10:00:00Z,step-1,exit restarted",
            "replenishment,uma,2026-06-15T10:00:00Z,trigger,enter",
            "replenishment,tara,2026-07-31T10:00:00Z,step-2,send email time-to-replace-your-filter",
            "replenishment,uma,2026-12-15T10:00:00Z,step-2,send email time-to-replace-your-filter");
  }

  @Test
  void s17RecordTheVisitorAndTalkOnlyFromTheFifthVisit() {
    assertThat(run("s17-visits.jsonl", "record-first-visit", "fifth-visit"))
        .containsExactly(
            "record-first-visit,anon-7,2026-03-01T10:00:00Z,trigger,enter",
            "record-first-visit,anon-7,2026-03-01T10:00:00Z,step-1,update first_visit_source +tag visitor",
            "record-first-visit,anon-7,2026-03-01T10:00:00Z,end,complete",
            "record-first-visit,anon-7,2026-03-03T10:00:00Z,trigger,entry refused",
            "record-first-visit,anon-7,2026-03-05T10:00:00Z,trigger,entry refused",
            "record-first-visit,walt,2026-03-08T10:00:00Z,trigger,entry refused",
            "fifth-visit,walt,2026-03-09T10:00:00Z,trigger,enter",
            "fifth-visit,walt,2026-03-09T10:00:00Z,step-1,send email glad-you-are-back",
            "fifth-visit,walt,2026-03-09T10:00:00Z,end,complete",
            "record-first-visit,walt,2026-03-09T10:00:00Z,trigger,entry refused",
            "record-first-visit,walt,2026-03-10T10:00:00Z,trigger,entry refused");
  }

  @Test
  void s18OpenersGetAFollowUpNonOpenersAnSmsOrANewSubject() {
    assertThat(
            run("s18-engagement.jsonl", "webinar-engagement").stream()
                .filter(l -> l.contains(",send ") || l.contains(",timed out")))
        .containsExactly(
            "webinar-engagement,xena,2026-03-02T09:00:00Z,step-1,send email webinar-invitation",
            "webinar-engagement,yuri,2026-03-02T09:00:00Z,step-1,send email webinar-invitation",
            "webinar-engagement,zoe,2026-03-02T09:00:00Z,step-1,send email webinar-invitation",
            // Xena opened at 08:00, 23h after her invitation: the agenda waits for the 24h gap.
            "webinar-engagement,xena,2026-03-03T09:00:00Z,step-3,send email webinar-agenda",
            "webinar-engagement,yuri,2026-03-05T09:00:00Z,step-2,timed out",
            "webinar-engagement,yuri,2026-03-05T09:00:00Z,sms,send sms webinar-reminder-sms",
            "webinar-engagement,zoe,2026-03-05T09:00:00Z,step-2,timed out",
            "webinar-engagement,zoe,2026-03-05T09:00:00Z,step-6,send email webinar-invitation-new-subject");
  }
}
