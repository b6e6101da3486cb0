package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * S8 (birthday, sign-up anniversary, loyalty), S9 (subscription renewal) and S16 (occasions) end to
 * end through the command line, against every example journey. The expected lines were worked out
 * from the definitions and the zones' rules, not copied from a run.
 */
class DateScenariosTest {

  private static List<String> run(String timeline, String profiles, String... journeys) {
    List<String> csv =
        profiles == null
            ? Cli.example(timeline)
            : Cli.example(timeline, "--profiles", "../examples/profiles/" + profiles);
    return Cli.ofJourneys(csv, journeys);
  }

  @Test
  void s08BirthdaysAtTenLocalAnniversaryAndLoyaltyStatus() {
    assertThat(run("s08-birthday.jsonl", null, "birthday", "signup-anniversary"))
        .containsExactly(
            "birthday,ana,2026-03-02T09:00:00Z,trigger,next at 2026-05-14T08:00:00Z",
            "signup-anniversary,ana,2026-03-02T09:00:00Z,trigger,next at 2027-03-02T09:00:00Z",
            "birthday,bob,2026-03-02T15:00:00Z,trigger,next at 2026-11-10T15:00:00Z",
            // 29 February: 28 February in 2027, 10:00 in Tehran (+03:30)
            "birthday,cyrus,2026-03-03T08:00:00Z,trigger,next at 2027-02-28T06:30:00Z",
            // "04/10/1988" is not a date: ignored, with the reason in the trace
            "birthday,dora,2026-03-03T09:00:00Z,trigger,not scheduled",
            // Lord Howe moves to +11 at 02:00 on 4 October 2026: 10:00 is 23:00Z the day before
            "birthday,dora,2026-03-04T09:00:00Z,trigger,next at 2026-10-03T23:00:00Z",
            "birthday,ana,2026-05-14T08:00:00Z,trigger,enter",
            "birthday,ana,2026-05-14T08:00:00Z,step-1,send email happy-birthday-with-gift",
            "birthday,ana,2026-05-14T08:00:00Z,end,complete",
            "birthday,ana,2026-05-14T08:00:00Z,trigger,next at 2027-05-14T08:00:00Z",
            "birthday,ana,2026-05-15T18:00:00Z,conversion,convert 80.0",
            // Bob corrects his birthday: the schedule moves
            "birthday,bob,2026-06-01T12:00:00Z,trigger,next at 2026-11-01T15:00:00Z",
            "birthday,dora,2026-10-03T23:00:00Z,trigger,enter",
            "birthday,dora,2026-10-03T23:00:00Z,step-1,send email happy-birthday-with-gift",
            "birthday,dora,2026-10-03T23:00:00Z,end,complete",
            "birthday,dora,2026-10-03T23:00:00Z,trigger,next at 2027-10-03T23:00:00Z",
            // New York is back on EST (-5) on 1 November 2026, still on EDT on 1 November 2027
            "birthday,bob,2026-11-01T15:00:00Z,trigger,enter",
            "birthday,bob,2026-11-01T15:00:00Z,step-1,send email happy-birthday-with-gift",
            "birthday,bob,2026-11-01T15:00:00Z,end,complete",
            "birthday,bob,2026-11-01T15:00:00Z,trigger,next at 2027-11-01T14:00:00Z",
            "birthday,cyrus,2027-02-28T06:30:00Z,trigger,enter",
            "birthday,cyrus,2027-02-28T06:30:00Z,step-1,send email happy-birthday-with-gift",
            "birthday,cyrus,2027-02-28T06:30:00Z,end,complete",
            "birthday,cyrus,2027-02-28T06:30:00Z,trigger,next at 2028-02-29T06:30:00Z",
            "signup-anniversary,ana,2027-03-02T09:00:00Z,trigger,enter",
            "signup-anniversary,ana,2027-03-02T09:00:00Z,step-1,send email"
                + " thanks-for-a-year-together",
            "signup-anniversary,ana,2027-03-02T09:00:00Z,end,complete",
            "signup-anniversary,ana,2027-03-02T09:00:00Z,trigger,next at 2028-03-02T09:00:00Z");
    assertThat(
            run("s08-birthday.jsonl", null, "loyalty-status").stream()
                .filter(l -> l.contains(",send ")))
        // The workspace policies (examples/journeys/policies.yaml) keep 24 h between marketing
        // messages: each status email waits for a day after the message just before it.
        .containsExactly(
            "loyalty-status,ana,2026-04-02T08:00:00Z,step-2,send email points-balance-update",
            "loyalty-status,ana,2026-05-16T18:00:00Z,gold,send email welcome-to-gold");
  }

  @Test
  void s08ProfilesFromAFileAreArmedAtTheFirstEvent() {
    assertThat(
            run("s08-birthday.jsonl", "s08-customers.jsonl", "birthday", "renewal").stream()
                .filter(l -> l.contains(",eva,") || l.contains(",finn,")))
        .containsExactly(
            // 10:00 CEST on 29 March 2026, the day summer time starts
            "birthday,eva,2026-03-02T09:00:00Z,trigger,next at 2026-03-29T08:00:00Z",
            // no time zone: the fallback zone (UTC); an instant's date in that zone
            "birthday,finn,2026-03-02T09:00:00Z,trigger,next at 2026-07-04T10:00:00Z",
            // renews on 5 March: the 7-days-before moment has passed when the run starts
            "renewal,finn,2026-03-02T09:00:00Z,trigger,not scheduled",
            "birthday,eva,2026-03-29T08:00:00Z,trigger,enter",
            "birthday,eva,2026-03-29T08:00:00Z,step-1,send email happy-birthday-with-gift",
            "birthday,eva,2026-03-29T08:00:00Z,end,complete",
            "birthday,eva,2026-03-29T08:00:00Z,trigger,next at 2027-03-29T08:00:00Z",
            "birthday,finn,2026-07-04T10:00:00Z,trigger,enter",
            "birthday,finn,2026-07-04T10:00:00Z,step-1,send email happy-birthday-with-gift",
            "birthday,finn,2026-07-04T10:00:00Z,end,complete",
            "birthday,finn,2026-07-04T10:00:00Z,trigger,next at 2027-07-04T10:00:00Z");
  }

  @Test
  void s09RenewalSeriesFromSevenDaysBeforeStoppedByRenewing() {
    assertThat(run("s09-renewal.jsonl", null, "renewal"))
        .containsExactly(
            "renewal,fay,2026-03-01T12:00:00Z,trigger,next at 2026-03-26T08:00:00Z",
            // renews_at is an instant: 00:00 on 2 April in New York
            "renewal,gil,2026-03-01T12:00:00Z,trigger,next at 2026-03-26T13:00:00Z",
            "renewal,fay,2026-03-26T08:00:00Z,trigger,enter",
            "renewal,fay,2026-03-26T08:00:00Z,step-1,send email renews-in-7-days",
            // 4 calendar days keep 09:00 local across Berlin's switch to summer time
            "renewal,fay,2026-03-26T08:00:00Z,step-2,wait until 2026-03-30T07:00:00Z",
            "renewal,gil,2026-03-26T13:00:00Z,trigger,enter",
            "renewal,gil,2026-03-26T13:00:00Z,step-1,send email renews-in-7-days",
            "renewal,gil,2026-03-26T13:00:00Z,step-2,wait until 2026-03-30T13:00:00Z",
            "renewal,gil,2026-03-28T14:00:00Z,conversion,convert",
            "renewal,gil,2026-03-28T14:00:00Z,step-2,exit exit_on",
            "renewal,gil,2026-03-28T14:00:01Z,trigger,next at 2027-03-26T13:00:00Z",
            "renewal,fay,2026-03-30T07:00:00Z,step-3,send email renews-in-3-days",
            "renewal,fay,2026-03-30T07:00:00Z,step-4,wait until 2026-04-01T07:00:00Z",
            "renewal,fay,2026-04-01T07:00:00Z,step-5,send sms renews-tomorrow",
            "renewal,fay,2026-04-01T07:00:00Z,end,complete");
  }

  @Test
  void s16OccasionsRollAcrossTheZones() {
    List<String> lines = run("s16-occasions.jsonl", null, "launch-day", "christmas");
    assertThat(lines.stream().filter(l -> l.contains(",enter") || l.contains(",convert")))
        .containsExactly(
            // Lord Howe is +10:30 in September, +11 in December
            "launch-day,lara,2026-09-14T23:30:00Z,trigger,enter",
            "launch-day,reza,2026-09-15T06:30:00Z,trigger,enter",
            "launch-day,ben,2026-09-15T08:00:00Z,trigger,enter",
            "launch-day,nia,2026-09-15T14:00:00Z,trigger,enter",
            "christmas,lara,2026-12-23T23:00:00Z,trigger,enter",
            "christmas,reza,2026-12-24T06:30:00Z,trigger,enter",
            "christmas,ben,2026-12-24T09:00:00Z,trigger,enter",
            // Olga subscribed at 11:00 Berlin time on 24 December: she missed the occasion
            "christmas,nia,2026-12-24T15:00:00Z,trigger,enter",
            "christmas,ben,2026-12-26T10:00:00Z,conversion,convert 120.0");
  }
}
