package io.kairos.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.expr.Expression;
import io.kairos.expr.ExpressionCompiler;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.time.Span;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JourneyLoaderTest {

  static final JourneyLoader LOADER = new JourneyLoader(new ExpressionCompiler());

  static final String FULL =
      """
      id: abandoned-cart
      name: Abandoned cart reminder
      goal: Bring back customers who left items in their cart
      trigger:
        event: Product Added
        where: event.properties.price >= 10
      entry: restart
      exit_on:
        - event: Order Completed
          where: event.properties.total > 0
        - Account Deleted
      conversion:
        event: Order Completed
        where: event.properties.total > 0
        within: 3d
        value: event.properties.revenue
        exit: true
      steps:
        - wait: 1h
        - id: remind
          send: email
          template: cart-reminder
          category: marketing
          topic: promotions
        - wait_for: Email Opened
          where: event.properties.campaign == "cart"
          within: 2d
          then: rate
          on_timeout: nudge
        - exit
        - id: nudge
          send: sms
          template: cart-sms
          category: transactional
        - id: rate
          branch:
            - if: profile.plan == "pro"
              goto: pro-path
            - if: event.properties.rating <= 2
              goto: apology
            - else: end
        - id: pro-path
          split:
            holdout: 12.5
            arms:
              - { name: A, weight: 50, goto: apology }
              - { name: B, weight: 30 }
        - id: upgrade
          update:
            set: { plan: '"pro"', score: 'profile.score + 1', vip: true, level: 3, ratio: 0.5, note: null }
            unset: [trial_ends_at]
            increment: { visits: 1, points: 2.5 }
            add_tags: [vip]
            remove_tags: [lead]
        - id: apology
          emit: Cart Reminder Sent
          properties: { sku: 'event.properties.sku', source: '"cart"' }
        - webhook: https://example.com/hooks/support
          method: put
          body: { rating: 'event.properties.rating' }
        - wait: { duration: 1 day 12h }
        - goto: remind
      """;

  static Journey load(String yaml) throws JourneyLoadException {
    return LOADER.load("j.yaml", yaml);
  }

  /** The problems of an invalid definition, as the CLI prints them. */
  static List<String> problems(String yaml) {
    try {
      load(yaml);
    } catch (JourneyLoadException e) {
      return e.problems().stream().map(Problem::toString).toList();
    }
    throw new AssertionError("expected problems, but it loaded");
  }

  /** A valid journey around the given step lines (which start at line 5). */
  static String withSteps(String steps) {
    return "id: j\ngoal: g\ntrigger: api\nsteps:\n" + steps;
  }

  @Test
  void loadsEveryPartOfAFullJourney() throws Exception {
    Journey j = load(FULL);

    assertThat(j.id()).isEqualTo("abandoned-cart");
    assertThat(j.name()).isEqualTo("Abandoned cart reminder");
    assertThat(j.goal()).isEqualTo("Bring back customers who left items in their cart");
    assertThat(j.source()).isEqualTo("j.yaml");
    assertThat(j.version()).hasSize(12).matches("[0-9a-f]{12}");

    Trigger.OnEvent trigger = (Trigger.OnEvent) j.trigger();
    assertThat(trigger.event()).isEqualTo("Product Added");
    assertThat(trigger.where().source()).isEqualTo("event.properties.price >= 10");
    assertThat(j.entry()).isEqualTo(EntryPolicy.RESTART);

    assertThat(j.exitOn()).hasSize(2);
    assertThat(j.exitOn().get(0).event()).isEqualTo("Order Completed");
    assertThat(j.exitOn().get(0).where().source()).isEqualTo("event.properties.total > 0");
    assertThat(j.exitOn().get(1)).isEqualTo(new ExitRule("Account Deleted", null));

    Conversion c = j.conversion();
    assertThat(c.event()).isEqualTo("Order Completed");
    assertThat(c.where().source()).isEqualTo("event.properties.total > 0");
    assertThat(c.within()).isEqualTo(Span.parse("3d"));
    assertThat(c.value().source()).isEqualTo("event.properties.revenue");
    assertThat(c.exit()).isTrue();

    List<Step> s = j.steps();
    assertThat(s).hasSize(12);
    assertThat(j.endIndex()).isEqualTo(12);
    assertThat(s.stream().map(x -> x.info().id()))
        .containsExactly(
            "step-1",
            "remind",
            "step-3",
            "step-4",
            "nudge",
            "rate",
            "pro-path",
            "upgrade",
            "apology",
            "step-10",
            "step-11",
            "step-12");
    assertThat(s.stream().map(x -> x.info().line()))
        .containsExactly(19, 20, 25, 30, 31, 35, 42, 48, 55, 58, 61, 62);

    assertThat(s.get(0)).isEqualTo(new Step.Wait(s.get(0).info(), Span.parse("1h")));
    assertThat(s.get(1))
        .isEqualTo(
            new Step.Send(
                new Step.Info("remind", 1, 20),
                "email",
                "cart-reminder",
                Category.MARKETING,
                "promotions",
                null,
                Map.of()));

    Step.WaitFor waitFor = (Step.WaitFor) s.get(2);
    assertThat(waitFor.event()).isEqualTo("Email Opened");
    assertThat(waitFor.where().source()).isEqualTo("event.properties.campaign == \"cart\"");
    assertThat(waitFor.within()).isEqualTo(Span.parse("2d"));
    assertThat(waitFor.onMatch()).isEqualTo(5);
    assertThat(waitFor.onTimeout()).isEqualTo(4);

    assertThat(s.get(3)).isInstanceOf(Step.Exit.class);
    assertThat(((Step.Send) s.get(4)).category()).isEqualTo(Category.TRANSACTIONAL);
    assertThat(((Step.Send) s.get(4)).topic()).isNull();

    Step.Branch branch = (Step.Branch) s.get(5);
    assertThat(branch.cases()).hasSize(2);
    assertThat(branch.cases().get(0).condition().source()).isEqualTo("profile.plan == \"pro\"");
    assertThat(branch.cases().get(0).target()).isEqualTo(6);
    assertThat(branch.cases().get(1).target()).isEqualTo(8);
    assertThat(branch.otherwise()).isEqualTo(12);

    Step.Split split = (Step.Split) s.get(6);
    assertThat(split.holdoutPercent()).isEqualTo(12.5);
    assertThat(split.arms()).containsExactly(new Step.Arm("A", 50, 8), new Step.Arm("B", 30, 7));

    Step.Update update = (Step.Update) s.get(7);
    assertThat(update.set().keySet())
        .containsExactly("plan", "score", "vip", "level", "ratio", "note");
    assertThat(update.set().get("plan").source()).isEqualTo("\"pro\"");
    assertThat(update.set().get("score").source()).isEqualTo("profile.score + 1");
    assertThat(update.set().get("vip")).isEqualTo(Expression.literal(true, "true"));
    assertThat(update.set().get("level")).isEqualTo(Expression.literal(3L, "3"));
    assertThat(update.set().get("ratio")).isEqualTo(Expression.literal(0.5, "0.5"));
    assertThat(update.set().get("note")).isEqualTo(Expression.literal(null, "null"));
    assertThat(update.unset()).containsExactly("trial_ends_at");
    assertThat(update.increment())
        .containsExactly(Map.entry("visits", 1.0), Map.entry("points", 2.5));
    assertThat(update.addTags()).containsExactly("vip");
    assertThat(update.removeTags()).containsExactly("lead");

    Step.Emit emit = (Step.Emit) s.get(8);
    assertThat(emit.event()).isEqualTo("Cart Reminder Sent");
    assertThat(emit.properties().keySet()).containsExactly("sku", "source");
    assertThat(emit.properties().get("source").source()).isEqualTo("\"cart\"");

    Step.Webhook webhook = (Step.Webhook) s.get(9);
    assertThat(webhook.url()).isEqualTo("https://example.com/hooks/support");
    assertThat(webhook.method()).isEqualTo("PUT");
    assertThat(webhook.body().get("rating").source()).isEqualTo("event.properties.rating");

    assertThat(((Step.Wait) s.get(10)).duration()).isEqualTo(Span.parse("1 day 12h"));
    assertThat(s.get(11)).isEqualTo(new Step.Goto(s.get(11).info(), 1));
  }

  @Test
  void expressionsInALoadedJourneyAreCompiled() throws Exception {
    Journey j = load(FULL);
    Trigger.OnEvent trigger = (Trigger.OnEvent) j.trigger();
    assertThat(trigger.where().references()).containsExactly("event.properties.price");
  }

  @Test
  void fillsInDefaults() throws Exception {
    Journey j =
        load(
            """
            id: welcome
            goal: Greet new sign-ups
            trigger: { event: Signed Up }
            steps:
              - send: email
                template: welcome
              - wait_for: Email Opened
                within: 1d
              - split:
                  arms:
                    - name: only
                      weight: 1
              - update:
                  add_tags: [welcomed]
              - emit: Welcomed
              - webhook: http://crm.local/hook
              - id: done
                exit:
            """);
    assertThat(j.name()).isEqualTo("welcome");
    assertThat(j.entry()).isEqualTo(EntryPolicy.ONCE);
    assertThat(j.exitOn()).isEmpty();
    assertThat(j.conversion()).isNull();
    assertThat(((Trigger.OnEvent) j.trigger()).where()).isNull();
    Step.Send send = (Step.Send) j.steps().get(0);
    assertThat(send.category()).isEqualTo(Category.MARKETING);
    assertThat(send.topic()).isNull();
    Step.WaitFor waitFor = (Step.WaitFor) j.steps().get(1);
    assertThat(waitFor.where()).isNull();
    assertThat(waitFor.onMatch()).isEqualTo(2);
    assertThat(waitFor.onTimeout()).isEqualTo(2);
    Step.Split split = (Step.Split) j.steps().get(2);
    assertThat(split.holdoutPercent()).isZero();
    assertThat(split.arms()).containsExactly(new Step.Arm("only", 1, 3));
    Step.Update update = (Step.Update) j.steps().get(3);
    assertThat(update.set()).isEmpty();
    assertThat(update.unset()).isEmpty();
    assertThat(update.increment()).isEmpty();
    assertThat(update.removeTags()).isEmpty();
    assertThat(((Step.Emit) j.steps().get(4)).properties()).isEmpty();
    Step.Webhook webhook = (Step.Webhook) j.steps().get(5);
    assertThat(webhook.method()).isEqualTo("POST");
    assertThat(webhook.body()).isEmpty();
    assertThat(j.steps().get(6)).isEqualTo(new Step.Exit(new Step.Info("done", 6, 17)));
  }

  @Test
  void acceptsEveryTriggerAndEntryForm() throws Exception {
    String rest = "\ngoal: g\nsteps: [exit]\n";
    assertThat(load("id: a\ntrigger: api" + rest).trigger()).isEqualTo(new Trigger.Api());
    assertThat(load("id: a\ntrigger: { api: true }" + rest).trigger()).isEqualTo(new Trigger.Api());
    assertThat(load("id: a\ntrigger: { inactive_for: 7d }" + rest).trigger())
        .isEqualTo(new Trigger.Inactivity(Span.parse("7d")));
    assertThat(load("id: a\ntrigger: api\nentry: { once_per: 30d }" + rest).entry())
        .isEqualTo(EntryPolicy.oncePer(Span.parse("30d")));
    assertThat(load("id: a\ntrigger: api\nentry: parallel" + rest).entry())
        .isEqualTo(EntryPolicy.PARALLEL);
    assertThat(load("id: a\ntrigger: api\nentry: once" + rest).entry()).isEqualTo(EntryPolicy.ONCE);
  }

  @Test
  void theVersionIsAHashOfTheText() throws Exception {
    String text = withSteps("  - exit\n");
    assertThat(load(text).version()).isEqualTo(JourneyLoader.version(text));
    // printf 'id: x\n' | sha256sum
    assertThat(JourneyLoader.version("id: x\n")).isEqualTo("52b881e6cd7c");
    assertThat(load(text).version()).isEqualTo(load(text).version());
    assertThat(load(text + "# a comment\n").version()).isNotEqualTo(load(text).version());
  }

  @Test
  void collectsEveryProblemOfAFileInOrder() {
    assertThat(
            problems(
                """
                id: Abandoned Cart
                tirgger:
                  event: Product Added
                entry: sometimes
                steps:
                  - wait: 3 dayz
                  - send: fax
                    template: t
                  - goto: nowhere
                """))
        .containsExactly(
            "j.yaml:1:1: missing required key 'goal' in journey",
            "j.yaml:1:1: missing required key 'trigger' in journey",
            "j.yaml:1:5: invalid journey id 'Abandoned Cart': use lowercase letters, digits, '-'"
                + " and '_', starting with a letter or digit",
            "j.yaml:2:1: unknown key 'tirgger' in journey; expected one of id, name, goal,"
                + " trigger, entry, exit_on, conversion, steps",
            "j.yaml:4:8: unknown entry policy 'sometimes'; expected once, restart, parallel or {"
                + " once_per: <duration> }",
            "j.yaml:6:11: invalid duration '3 dayz': unknown unit 'dayz' (use s, m, h, d, w,"
                + " months or y)",
            "j.yaml:7:11: unknown channel 'fax'; expected one of email, sms, push, webhook, inbox",
            "j.yaml:9:11: no step with id 'nowhere' for 'goto'; the step ids are step-1, step-2,"
                + " step-3 (or end)");
  }

  @Test
  void theInboxIsStillReadUnderItsFirstNameInapp() throws JourneyLoadException {
    Journey j =
        load(
            """
            id: j
            goal: g
            trigger: { event: E }
            steps:
              - send: inapp
                template: t
            """);
    assertThat(((Step.Send) j.steps().get(0)).channel()).isEqualTo("inbox");
  }

  @Test
  void theMessageListsOneProblemPerLine() {
    assertThatThrownBy(() -> LOADER.load("a.yaml", "id: x\nsteps: []\n"))
        .isInstanceOf(JourneyLoadException.class)
        .hasMessage(
            "a.yaml:1:1: missing required key 'goal' in journey\n"
                + "a.yaml:1:1: missing required key 'trigger' in journey\n"
                + "a.yaml:2:8: 'steps' must have at least one step");
  }

  @Test
  void reportsBrokenYaml() {
    assertThat(problems("id: x\ngoal: g\ntrigger: {event: A\nsteps: [exit]\n"))
        .containsExactly("j.yaml:4:6: invalid YAML: expected ',' or '}', but got :");
    assertThat(problems("")).containsExactly("j.yaml:1:1: empty journey definition");
    assertThat(problems("- a\n- b\n"))
        .containsExactly("j.yaml:1:1: 'journey' must be a mapping, not a list");
    assertThat(problems("id: x\nid: y\ngoal: g\ntrigger: api\nsteps: [exit]\n"))
        .containsExactly("j.yaml:2:1: duplicate key 'id' in journey");
  }

  @Test
  void checksTopLevelValues() {
    assertThat(problems("id: x\ngoal: ''\ntrigger: api\nsteps: hello\n"))
        .containsExactly(
            "j.yaml:2:7: 'goal' must not be empty",
            "j.yaml:4:8: 'steps' must be a list, not a string");
    assertThat(problems("id: x\ngoal: [a]\ntrigger: api\nsteps: [exit]\n"))
        .containsExactly("j.yaml:2:7: 'goal' must be a string, not a list");
  }

  @Test
  void checksTriggers() {
    String rest = "\ngoal: g\nsteps: [exit]\n";
    assertThat(problems("id: a\ntrigger: { event: A, inactive_for: 7d }" + rest))
        .containsExactly(
            "j.yaml:2:22: trigger has both 'event' and 'inactive_for'; a journey has one trigger");
    assertThat(problems("id: a\ntrigger: { where: 'true' }" + rest))
        .containsExactly(
            "j.yaml:2:10: trigger needs one of event, inactive_for, api, date, schedule,"
                + " location_entered, location_exited, segment_entered or segment_exited");
    assertThat(problems("id: a\ntrigger: { inactive_for: 7d, where: 'true' }" + rest))
        .containsExactly("j.yaml:2:30: 'where' applies only to an event, date or schedule trigger");
    assertThat(problems("id: a\ntrigger: { inactive_for: 0s }" + rest))
        .containsExactly("j.yaml:2:26: 'inactive_for' must be longer than 0");
    assertThat(problems("id: a\ntrigger: { api: false }" + rest))
        .containsExactly("j.yaml:2:17: 'api' must be true (or write trigger: api)");
    assertThat(problems("id: a\ntrigger: manual" + rest))
        .containsExactly(
            "j.yaml:2:10: unknown trigger 'manual'; expected api, or a mapping with event,"
                + " inactive_for, date, schedule, location_entered, location_exited,"
                + " segment_entered or segment_exited");
    assertThat(problems("id: a\ntrigger: { event: A, wher: 'true' }" + rest))
        .containsExactly(
            "j.yaml:2:22: unknown key 'wher' in trigger; expected one of event, where,"
                + " inactive_for, api, date, schedule, location_entered, location_exited,"
                + " segment_entered, segment_exited, recurring, offset, at, audience");
  }

  @Test
  void checksConversionAndExits() {
    String head = "id: a\ngoal: g\ntrigger: api\nsteps: [exit]\n";
    assertThat(problems(head + "conversion: { event: Order, exit: yes }\n"))
        .containsExactly(
            "j.yaml:5:13: missing required key 'within' in conversion",
            "j.yaml:5:35: 'exit' must be true or false, not a string");
    assertThat(problems(head + "exit_on:\n  - where: 'true'\n  - [x]\n"))
        .containsExactly(
            "j.yaml:6:5: missing required key 'event' in exit_on",
            "j.yaml:7:5: 'exit_on' must be a mapping, not a list");
    assertThat(problems(head + "entry: { once_per: 1 fortnight }\n"))
        .containsExactly(
            "j.yaml:5:20: invalid duration '1 fortnight': unknown unit 'fortnight' (use s, m, h,"
                + " d, w, months or y)");
  }

  @Test
  void checksStepShapes() {
    assertThat(
            problems(
                withSteps(
                    """
                      - send: email
                        wait: 1h
                      - foo
                      - {}
                      - [exit]
                      - id: x
                        send: email
                        within: 2d
                        template: t
                    """)))
        .containsExactly(
            "j.yaml:6:5: a step does one thing, but this one has 'send' and 'wait'; split it"
                + " into two steps",
            "j.yaml:7:5: unknown step 'foo'; a step is a mapping such as 'wait: 1h', or exit",
            "j.yaml:8:5: step has no action; expected one of wait, wait_for, branch, split,"
                + " send, update, emit, webhook, exit, goto, assign",
            "j.yaml:9:5: a step must be a mapping such as 'send: email', or exit, not a list",
            "j.yaml:12:5: unknown key 'within' in send step; expected one of id, send,"
                + " template, category, topic, expire_after, data");
  }

  @Test
  void checksStepIdsAndTargets() {
    assertThat(
            problems(
                withSteps(
                    """
                      - wait: 1h
                      - id: step-1
                        wait: 1h
                      - id: a
                        wait: 1h
                      - id: a
                        wait: 1h
                      - id: end
                        wait: 1h
                      - id: 'not ok'
                        wait: 1h
                      - goto: b
                      - wait_for: E
                        within: 1d
                        then: ''
                    """)))
        .containsExactly(
            "j.yaml:6:9: duplicate step id 'step-1'; the step at line 5 has it too",
            "j.yaml:10:9: duplicate step id 'a'; the step at line 8 has it too",
            "j.yaml:12:9: step id 'end' is reserved: as a target it means the end of the journey",
            "j.yaml:14:9: invalid step id 'not ok': use letters, digits, '-' and '_'",
            "j.yaml:16:11: no step with id 'b' for 'goto'; the step ids are step-1, a, step-5,"
                + " step-6, step-7, step-8 (or end)",
            "j.yaml:19:11: 'then' must not be empty");
  }

  @Test
  void checksStepValues() {
    assertThat(
            problems(
                withSteps(
                    """
                      - send: email
                        template: t
                        category: promo
                      - wait_for: Opened
                        within: 0s
                      - wait: { duration: soon }
                      - webhook: ftp://example.com
                        method: FETCH
                      - emit: Done
                        properties: { list: [1, 2] }
                      - id: done
                        exit: false
                    """)))
        .containsExactly(
            "j.yaml:7:15: unknown category 'promo'; expected marketing (or promotional), lifecycle or transactional",
            "j.yaml:9:13: 'within' must be longer than 0",
            "j.yaml:10:23: invalid duration 'soon': expected a number at position 1",
            "j.yaml:11:14: webhook URL must start with http:// or https://, not"
                + " 'ftp://example.com'",
            "j.yaml:12:13: unknown method 'FETCH'; expected one of GET, POST, PUT, PATCH, DELETE",
            "j.yaml:14:25: 'list' must be a CEL expression (a string), a number or a boolean,"
                + " not a list",
            "j.yaml:16:11: 'exit' takes no value (or true), not a boolean");
  }

  @Test
  void checksBranchesAndSplits() {
    assertThat(
            problems(
                withSteps(
                    """
                      - branch: []
                      - branch:
                          - else: end
                          - if: 'true'
                            goto: end
                      - branch:
                          - if: 'true'
                      - split:
                          holdout: 120
                          arms:
                            - { name: A, weight: 0 }
                            - { name: A, weight: 2.5 }
                      - split: { arms: [] }
                    """)))
        .containsExactly(
            "j.yaml:5:13: 'branch' must have at least one case",
            "j.yaml:7:9: 'else' must be the last case of a branch",
            "j.yaml:11:9: missing required key 'goto' in branch case",
            "j.yaml:13:16: 'holdout' must be a percentage from 0 to 100, not 120",
            "j.yaml:15:30: 'weight' must be a whole number greater than 0, not 0",
            "j.yaml:16:19: duplicate arm name 'A'",
            "j.yaml:16:30: 'weight' must be a whole number greater than 0, not 2.5",
            "j.yaml:17:20: 'arms' must have at least one arm");
  }

  @Test
  void checksUpdates() {
    assertThat(
            problems(
                withSteps(
                    """
                      - update: {}
                      - update:
                          set: { plan: '"pro"' }
                          unset: [plan]
                          increment: { visits: lots }
                          add_tags: [a]
                          remove_tags: [a]
                          tags: [b]
                    """)))
        .containsExactly(
            "j.yaml:5:13: 'update' needs at least one of set, unset, increment, add_tags,"
                + " remove_tags",
            "j.yaml:7:7: tag 'a' is both added and removed",
            "j.yaml:9:28: 'visits' must be a number, not a string",
            "j.yaml:12:7: unknown key 'tags' in update; expected one of set, unset, increment,"
                + " add_tags, remove_tags");
  }

  @Test
  void aMisspeltActionIsNamed() {
    assertThat(problems(withSteps("  - id: x\n    sned: email\n  - id: y\n")))
        .containsExactly(
            "j.yaml:6:5: unknown key 'sned' in step; expected one of id, wait, wait_for, branch,"
                + " split, send, update, emit, webhook, exit, goto, assign",
            "j.yaml:7:5: step has no action; expected one of wait, wait_for, branch, split, send,"
                + " update, emit, webhook, exit, goto, assign");
  }

  @Test
  void aTraitChangedTwiceInOneUpdateIsAnError() {
    assertThat(
            problems(
                withSteps(
                    """
                      - update:
                          set: { plan: '"pro"' }
                          unset: [plan]
                    """)))
        .containsExactly("j.yaml:6:7: trait 'plan' is changed twice in one update");
  }

  @Test
  void celErrorsPointIntoTheExpression() {
    assertThat(
            problems(
                """
                id: q
                goal: g
                trigger:
                  event: A
                  where: event.properties.price >=
                steps:
                  - branch:
                      - if: "event.name == \\"x\\" && bad"
                        goto: end
                      - if: 'event.name == ''x'' && bad'
                        goto: end
                      - if: |
                          event.name == 'x' &&
                            bad
                        goto: end
                      - if: event.name == 'x'
                          && bad
                        goto: end
                  - update:
                      set: { plan: pro, score: 'profile.score +* 1' }
                """))
        .containsExactly(
            "j.yaml:5:35: invalid CEL in 'where': unexpected end of expression",
            "j.yaml:8:37: invalid CEL in 'if': undeclared reference to 'bad'; the variables are"
                + " event, profile, journey and now",
            "j.yaml:10:37: invalid CEL in 'if': undeclared reference to 'bad'; the variables are"
                + " event, profile, journey and now",
            "j.yaml:14:13: invalid CEL in 'if': undeclared reference to 'bad'; the variables are"
                + " event, profile, journey and now",
            "j.yaml:17:14: invalid CEL in 'if': undeclared reference to 'bad'; the variables are"
                + " event, profile, journey and now",
            "j.yaml:20:20: invalid CEL in 'plan': undeclared reference to 'pro'; the variables"
                + " are event, profile, journey and now; for the text pro write '\"pro\"'",
            "j.yaml:20:48: invalid CEL in 'score': unexpected '*'");
  }

  @Test
  void conditionsMustBeBooleans() {
    assertThat(problems("id: a\ngoal: g\ntrigger: { event: A, where: 1 + 2 }\nsteps: [exit]\n"))
        .containsExactly(
            "j.yaml:3:29: invalid CEL in 'where': a condition must be true or false, but this is"
                + " int");
  }

  @Test
  void rejectsLoopsThatNeverWait() {
    assertThat(
            problems(
                withSteps(
                    """
                      - id: a
                        send: email
                        template: t
                      - branch:
                          - if: profile.x > 1
                            goto: a
                      - wait: 0s
                      - goto: a
                    """)))
        .containsExactly(
            "j.yaml:5:5: these steps loop without waiting: a -> step-2 -> a; add a wait or"
                + " wait_for to the loop");
    assertThat(problems(withSteps("  - id: self\n    goto: self\n")))
        .containsExactly(
            "j.yaml:5:5: these steps loop without waiting: self -> self; add a wait or wait_for"
                + " to the loop");
  }

  @Test
  void loopsThatWaitAreFine() throws Exception {
    Journey j =
        load(
            withSteps(
                """
                  - id: a
                    send: email
                    template: t
                  - wait_for: Opened
                    within: 1d
                    on_timeout: a
                  - wait: 1d
                  - goto: a
                """));
    assertThat(j.steps()).hasSize(4);
  }
}
