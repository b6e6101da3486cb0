package io.kairos.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kairos.journey.JourneyLoadException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringDefinitionsTest {

  private static List<String> problems(String... files) {
    DefinitionLoader.Source[] sources = new DefinitionLoader.Source[files.length];
    for (int i = 0; i < files.length; i++) {
      sources[i] = new DefinitionLoader.Source("f" + i + ".yaml", files[i]);
    }
    JourneyLoadException e =
        catchThrowableOfType(
            () -> new DefinitionLoader().load(List.of(sources)), JourneyLoadException.class);
    assertThat(e).as("expected problems").isNotNull();
    return e.problems().stream().map(JourneyLoadException.Problem::toString).toList();
  }

  @Test
  void validDefinitionsLoad() throws Exception {
    Definitions d =
        new DefinitionLoader()
            .load(
                List.of(
                    new DefinitionLoader.Source(
                        "s.yaml",
                        """
                        scoring:
                          lead_score:
                            decay: { half_life: 2w }
                            rules: [{ event: Signed Up, points: 5 }]
                        lifecycle:
                          score: lead_score
                          stages: [lead, { id: mql, min_score: 10 }, customer]
                        pools:
                          team:
                            reps: [{ id: a }]
                        """)));
    assertThat(d.scores().get(0).decay().halfLifeMillis()).isEqualTo(14 * 86_400_000L);
    assertThat(d.lifecycle().ids()).containsExactly("lead", "mql", "customer");
    assertThat(d.pools().get(0).releaseAt()).containsExactly("customer");
  }

  @Test
  void everyProblemIsReportedWithItsPlace() {
    assertThat(
            problems(
                """
                scoring:
                  Lead Score:
                    rules: []
                  events:
                    rules: [{ event: X, points: 1 }]
                  lead_score:
                    decay: { half_life: 1 month }
                    rules:
                      - { event: Email Opened, points: 0 }
                      - { event: Unsubscribed, points: -5, max_per_day: 10 }
                      - { points: 3, where: 'event.x >' }
                lifecycle:
                  score: leed_score
                  stages:
                    - { id: lead, min_score: 5 }
                    - { id: mql, min_score: 40 }
                    - { id: sql, min_score: 30 }
                  moves:
                    - { event: Deal Won, to: custommer }
                pools:
                  team:
                    release_at: [customer]
                    reps:
                      - { id: a, weight: 0, hours: { days: mon-fry, from: "9:00", to: "17:00" } }
                      - { id: b, timezone: Mars/Base, out_of_office: [{ from: 2026-03-10, until: 2026-03-09 }] }
                """))
        .containsExactly(
            "f0.yaml:2:3: invalid score name 'Lead Score': use lowercase letters, digits and '_',"
                + " starting with a letter or '_'",
            "f0.yaml:4:3: score name 'events' is taken by the profile's own 'events'",
            "f0.yaml:7:25: 'half_life' must be given in days or shorter units (a month has no"
                + " fixed length), not 1 months",
            "f0.yaml:9:40: 'points' must be a number other than 0, not 0",
            "f0.yaml:10:57: 'max_per_day' caps points earned; this rule takes points away",
            "f0.yaml:11:9: missing required key 'event' in scoring rule",
            "f0.yaml:11:39: invalid CEL in 'where': unexpected end of expression",
            "f0.yaml:13:10: 'score' names no score 'leed_score'; no scores are defined",
            "f0.yaml:15:30: the first stage is where every profile starts; it takes no"
                + " 'min_score'",
            "f0.yaml:17:29: 'min_score' must grow from stage to stage: 30 <= 40",
            // (moves are checked once the stages are valid)
            "f0.yaml:22:18: 'release_at' names no stage 'customer'; no lifecycle stages are"
                + " defined",
            "f0.yaml:24:9: missing required key 'timezone' in rep: working hours are in the"
                + " rep's zone",
            "f0.yaml:24:26: 'weight' must be a whole number from 1, not 0",
            "f0.yaml:24:44: unknown day 'mon-fry'; use mon, tue, wed, thu, fri, sat, sun or a"
                + " range mon-fri",
            "f0.yaml:24:59: 'from' must be a time of day HH:MM, not '9:00'",
            "f0.yaml:25:28: unknown time zone 'Mars/Base'; use an IANA name such as"
                + " Europe/Berlin",
            "f0.yaml:25:82: 'until' must be later than 'from'");
  }

  @Test
  void anAssignStepMustNameAPool() {
    assertThat(
            problems(
                """
                pools:
                  sales:
                    reps: [{ id: a }]
                """,
                """
                id: j
                goal: g
                trigger: { event: X }
                steps:
                  - assign: presales
                """))
        .containsExactly("f1.yaml:5:13: no pool 'presales' for 'assign'; the pools are sales");
  }
}
