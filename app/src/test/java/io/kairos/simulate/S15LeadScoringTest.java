package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * S15 lead scoring and funnel, end to end through the command line: {@code s15-scoring.yaml}
 * (half-life 14 days; MQL at 40, SQL at 80), {@code s15-pools.yaml} (Rita in Berlin weight 2
 * capacity 2, Sam in New York out of office 9-12 March, Tom in London) and the SQL handoff journey.
 * The values were worked out from the decay formula {@code v * 2^(-dt / 14d)} and the smooth
 * weighted rotation, not copied from a run.
 */
class S15LeadScoringTest {

  private static List<String> run(String format, String... journeys) {
    List<String> lines = Cli.example("s15-lead-scoring.jsonl", "--format", format);
    return format.equals("jsonl") ? lines : Cli.ofJourneys(lines, journeys);
  }

  /** journey, profile, time, step and effect: the CSV columns before the reason. */
  private static String firstFive(String csv) {
    return String.join(",", Arrays.copyOf(csv.split(",", 6), 5));
  }

  @Test
  void pointsDecayWithAHalfLifeOfFourteenDays() {
    assertThat(
            run("csv", "scoring/lead_score").stream()
                .filter(l -> l.contains(",lena,") || l.contains(",rae,"))
                .map(S15LeadScoringTest::firstFive)
                .toList())
        .containsExactly(
            "scoring/lead_score,lena,2026-03-02T10:00:00Z,pricing-page,lead_score +10 = 10",
            // 10 decays for 20 minutes to 9.993, + 30
            "scoring/lead_score,lena,2026-03-02T10:20:00Z,form,lead_score +30 = 39.99",
            "scoring/lead_score,lena,2026-03-02T10:30:00Z,chatbot,lead_score +8 = 47.97",
            "scoring/lead_score,rae,2026-03-02T12:00:00Z,form,lead_score +30 = 30",
            "scoring/lead_score,rae,2026-03-02T12:00:00Z,chatbot,lead_score +8 = 38",
            "scoring/lead_score,rae,2026-03-02T12:00:00Z,pricing-page,lead_score +10 = 48",
            "scoring/lead_score,lena,2026-03-03T09:00:00Z,email-open,lead_score +5 = 50.8",
            "scoring/lead_score,lena,2026-03-03T09:05:00Z,email-open,lead_score +5 = 55.79",
            // max_per_day 10: the third open of the day earns nothing
            "scoring/lead_score,lena,2026-03-03T09:10:00Z,email-open,lead_score capped at 55.78",
            "scoring/lead_score,lena,2026-03-03T09:30:00Z,form,lead_score +30 = 85.74",
            // 85.74 * 2^(-dt/14d) < 80 from dt = 14d * log2(85.74/80); the stage stays sql
            "scoring/lead_score,lena,2026-03-04T19:07:35Z,decay,lead_score decayed to 79.99",
            // 48 at 12:00 on 2 March is below 40 after 14d * log2(1.2) = 3d 16h 22m 46.418s
            "scoring/lead_score,rae,2026-03-06T04:22:46Z,decay,lead_score decayed to 39.99",
            "scoring/lead_score,lena,2026-03-18T19:07:35Z,decay,lead_score decayed to 39.99",
            // 48 * 2^(-(17d 22h)/14d) = 19.77, - 25
            "scoring/lead_score,rae,2026-03-20T10:00:00Z,unsubscribed,lead_score -25 = -5.23");
  }

  @Test
  void stagesMoveAtThresholdsAndSqlLeadsGoToTheCrmAndARep() {
    assertThat(run("csv", "lifecycle", "sql-handoff", "pool/sales"))
        .map(S15LeadScoringTest::firstFive)
        .containsExactly(
            "lifecycle,lena,2026-03-02T10:30:00Z,min_score,stage lead -> mql",
            "lifecycle,rae,2026-03-02T12:00:00Z,min_score,stage lead -> mql",
            "lifecycle,lena,2026-03-03T09:30:00Z,min_score,stage mql -> sql",
            "sql-handoff,lena,2026-03-03T09:30:00Z,trigger,enter",
            "sql-handoff,lena,2026-03-03T09:30:00Z,crm-stage,webhook PATCH https://crm.example.com/api/contacts",
            "sql-handoff,lena,2026-03-03T09:30:00Z,pick-rep,assign rita (sales)",
            "sql-handoff,lena,2026-03-03T09:30:00Z,crm-owner,webhook PATCH https://crm.example.com/api/contacts/owner",
            "sql-handoff,lena,2026-03-03T09:30:00Z,step-4,exit exit_step",
            "lifecycle,mo,2026-03-03T14:40:00Z,min_score,stage lead -> mql",
            "lifecycle,mo,2026-03-03T15:00:00Z,min_score,stage mql -> sql",
            "sql-handoff,mo,2026-03-03T15:00:00Z,trigger,enter",
            "sql-handoff,mo,2026-03-03T15:00:00Z,crm-stage,webhook PATCH https://crm.example.com/api/contacts",
            "sql-handoff,mo,2026-03-03T15:00:00Z,pick-rep,assign tom (sales)",
            "sql-handoff,mo,2026-03-03T15:00:00Z,crm-owner,webhook PATCH https://crm.example.com/api/contacts/owner",
            "sql-handoff,mo,2026-03-03T15:00:00Z,step-4,exit exit_step",
            "lifecycle,nia,2026-03-07T11:30:00Z,min_score,stage lead -> mql",
            "lifecycle,nia,2026-03-07T12:00:00Z,min_score,stage mql -> sql",
            "sql-handoff,nia,2026-03-07T12:00:00Z,trigger,enter",
            "sql-handoff,nia,2026-03-07T12:00:00Z,crm-stage,webhook PATCH https://crm.example.com/api/contacts",
            "sql-handoff,nia,2026-03-07T12:00:00Z,pick-rep,assign rita (sales)",
            "sql-handoff,nia,2026-03-07T12:00:00Z,crm-owner,webhook PATCH https://crm.example.com/api/contacts/owner",
            "sql-handoff,nia,2026-03-07T12:00:00Z,step-4,exit exit_step",
            "lifecycle,omar,2026-03-09T12:30:00Z,min_score,stage lead -> mql",
            "lifecycle,omar,2026-03-09T13:00:00Z,min_score,stage mql -> sql",
            "sql-handoff,omar,2026-03-09T13:00:00Z,trigger,enter",
            "sql-handoff,omar,2026-03-09T13:00:00Z,crm-stage,webhook PATCH https://crm.example.com/api/contacts",
            "sql-handoff,omar,2026-03-09T13:00:00Z,pick-rep,assign tom (sales)",
            "sql-handoff,omar,2026-03-09T13:00:00Z,crm-owner,webhook PATCH https://crm.example.com/api/contacts/owner",
            "sql-handoff,omar,2026-03-09T13:00:00Z,step-4,exit exit_step",
            "lifecycle,lena,2026-03-12T10:00:00Z,move-2,stage sql -> customer",
            "pool/sales,lena,2026-03-12T10:00:00Z,release,release rita",
            "lifecycle,pia,2026-03-12T14:30:00Z,min_score,stage lead -> mql",
            "lifecycle,pia,2026-03-12T15:00:00Z,min_score,stage mql -> sql",
            "sql-handoff,pia,2026-03-12T15:00:00Z,trigger,enter",
            "sql-handoff,pia,2026-03-12T15:00:00Z,crm-stage,webhook PATCH https://crm.example.com/api/contacts",
            "sql-handoff,pia,2026-03-12T15:00:00Z,pick-rep,assign rita (sales)",
            "sql-handoff,pia,2026-03-12T15:00:00Z,crm-owner,webhook PATCH https://crm.example.com/api/contacts/owner",
            "sql-handoff,pia,2026-03-12T15:00:00Z,step-4,exit exit_step",
            "lifecycle,omar,2026-03-13T10:00:00Z,move-1,stage sql -> opportunity",
            "sql-handoff,omar,2026-03-13T10:00:00Z,conversion,convert",
            "lifecycle,omar,2026-03-20T10:00:00Z,move-3,stage opportunity -> mql");
  }

  @Test
  void everyAssignmentSaysWhyThatRep() {
    List<String> reasons =
        run("jsonl").stream()
            .filter(l -> l.contains("\"step\":\"pick-rep\"") || l.contains("\"step\":\"release\""))
            .map(l -> l.replaceAll(".*\"reason\":\"([^\"]*)\".*", "$1"))
            .toList();
    assertThat(reasons)
        .containsExactly(
            // Tuesday 09:30Z: Rita (10:30 Berlin) and Tom (09:30 London) work; weights 2 and 1
            "step pick-rep: rep rita: next in weighted rotation (weight 2 of 3), open leads 1/2;"
                + " rep sam outside working hours (mon-fri 09:00-17:00 America/New_York),"
                + " available from 2026-03-03T14:00:00Z",
            // 15:00Z: all three work; current weights rita 1, sam 1, tom 2
            "step pick-rep: rep tom: next in weighted rotation (weight 1 of 4), open leads 1/3",
            // Saturday: nobody works; Rita and Tom start first, Monday 08:00Z; rotation picks Rita
            "step pick-rep: nobody is available now; rep rita: next in weighted rotation (weight 2"
                + " of 3, available at 2026-03-09T08:00:00Z), open leads 2/2; rep sam outside"
                + " working hours (mon-fri 09:00-17:00 America/New_York), available from"
                + " 2026-03-12T13:00:00Z; rep tom outside working hours (mon-fri 08:00-16:00"
                + " Europe/London), available from 2026-03-09T08:00:00Z",
            "step pick-rep: rep tom: the only rep available, open leads 2/3; rep rita at capacity"
                + " 2/2; rep sam out of office until 2026-03-12T04:00:00Z, available from"
                + " 2026-03-12T13:00:00Z",
            "lead closed: reached stage customer (release_at of pool sales); open leads of rita: 1",
            "step pick-rep: rep rita: next in weighted rotation (weight 2 of 4), open leads 2/2");
  }

  @Test
  void theCrmLearnsTheScoreStageAndOwner() {
    List<String> bodies =
        run("jsonl").stream()
            .filter(l -> l.contains("\"profile\":\"lena\"") && l.contains("\"kind\":\"webhook\""))
            .map(l -> l.replaceAll(".*\"body\":(\\{[^}]*\\}).*", "$1"))
            .toList();
    assertThat(bodies).hasSize(2);
    // The score the CRM gets is the decayed value at 09:30 on 3 March: 85.749...
    assertThat(bodies.get(0))
        .startsWith(
            "{\"email\":\"lena@acme.example\",\"lifecycle_stage\":\"sql\",\"lead_score\":85.74");
    assertThat(bodies.get(1)).isEqualTo("{\"email\":\"lena@acme.example\",\"owner\":\"rita\"}");
  }
}
