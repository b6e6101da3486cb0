package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * S22, end to end through the command line: the segments of {@code
 * examples/journeys/s22-segments.yaml} over {@code examples/timelines/s22-segments.jsonl}, with
 * every example journey live. The expected lines were worked out from the definitions: Lena turns
 * 30 at midnight of 10 March in Berlin (23:00 UTC the day before); her third opened email in 14
 * days makes her an engaged reader until the first of them is 14 days old (17 March 10:00); 60 days
 * after her last order (1 May 08:55) she is a customer at risk. Max becomes a customer who never
 * ordered, so he is at risk at once, and leaves the segment (and the journey) with his first order.
 */
class S22SegmentsTest {

  private static List<String> run() {
    return Cli.example("s22-segments.jsonl").stream()
        .filter(
            l ->
                l.startsWith("segment/")
                    || l.startsWith("reader-offer,")
                    || l.startsWith("win-back,"))
        .toList();
  }

  @Test
  void s22AudiencesStayCurrentAsEventsArriveAndTimePassesAndEnteringStartsJourneys() {
    assertThat(run())
        .containsExactly(
            "segment/customers,lena,2026-03-02T09:00:00Z,where,enter segment",
            "segment/sms-opt-in,lena,2026-03-02T09:00:00Z,where,enter segment",
            "segment/engaged-readers,lena,2026-03-06T10:00:00Z,where,enter segment",
            "reader-offer,lena,2026-03-06T10:00:00Z,trigger,enter",
            "reader-offer,lena,2026-03-06T10:00:00Z,step-1,send email reader-offer",
            "reader-offer,lena,2026-03-06T10:00:00Z,end,complete",
            "segment/berlin-women-30-plus,lena,2026-03-09T23:00:00Z,where,enter segment",
            "segment/engaged-readers,lena,2026-03-17T10:00:00Z,where,exit segment",
            "segment/customers,max,2026-03-20T12:00:00Z,where,enter segment",
            "segment/at-risk-customers,max,2026-03-20T12:00:00Z,where,enter segment",
            "win-back,max,2026-03-20T12:00:00Z,trigger,enter",
            "win-back,max,2026-03-20T12:00:00Z,step-1,send email win-back",
            "win-back,max,2026-03-20T12:00:00Z,step-2,wait until 2026-03-23T12:00:00Z",
            "segment/at-risk-customers,max,2026-03-21T12:00:00Z,where,exit segment",
            "win-back,max,2026-03-21T12:00:00Z,step-2,exit exit_on",
            "segment/at-risk-customers,lena,2026-05-01T08:55:00Z,where,enter segment",
            "win-back,lena,2026-05-01T08:55:00Z,trigger,enter",
            "win-back,lena,2026-05-01T08:55:00Z,step-1,send email win-back",
            "win-back,lena,2026-05-01T08:55:00Z,step-2,wait until 2026-05-04T08:55:00Z",
            "win-back,lena,2026-05-04T08:55:00Z,step-3,branch to sms",
            "win-back,lena,2026-05-04T08:55:00Z,sms,send sms win-back-sms",
            "win-back,lena,2026-05-04T08:55:00Z,end,complete");
  }
}
