package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.DefinitionLoader.Source;
import io.kairos.event.Event;
import io.kairos.event.EventContext;
import io.kairos.event.EventType;
import io.kairos.event.JsonObject;
import io.kairos.simulation.Simulator;
import io.kairos.time.Timestamps;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {

  private final List<Effect> effects = new ArrayList<>();
  private int n;

  private Simulator sim() throws Exception {
    var defs =
        new DefinitionLoader()
            .load(
                List.of(
                    new Source(
                        "p.yaml",
                        "policies:\n  quiet_hours: { from: \"21:00\", to: \"08:00\" }\n"
                            + "  channels:\n    email: { address: none }\n"),
                    new Source(
                        "j.yaml",
                        """
                        id: promo
                        goal: g
                        trigger: { event: Viewed }
                        steps:
                          - send: email
                            template: offer
                        """)));
    return new Simulator(
        new Engine(defs, ZoneOffset.UTC),
        new Effects() {
          @Override
          public void emit(Effect effect) {
            effects.add(effect);
          }

          @Override
          public void schedule(Timer timer) {}
        });
  }

  private Event event(String user, String anon, String time, String name, Map<String, Object> p) {
    return new Event(
        EventType.TRACK,
        "m" + (++n),
        user,
        anon,
        Timestamps.parse(time),
        name,
        JsonObject.of(p),
        JsonObject.EMPTY,
        EventContext.EMPTY,
        null,
        null);
  }

  @Test
  void aDeferredMessageKeepsItsIdThroughAMergeAndIsSentOnce() throws Exception {
    Simulator sim = sim();
    sim.accept(event(null, "anon-1", "2026-03-02T22:00:00Z", "Viewed", Map.of()));
    Effect.Deferred deferred = (Effect.Deferred) effects.get(1);
    assertThat(deferred.until()).isEqualTo(Timestamps.parse("2026-03-03T08:00:00Z"));
    assertThat(sim.find("anon-1").deferredMessages()).hasSize(1);
    // The visitor identifies before the morning: the message moves to the customer.
    sim.accept(event("ana", "anon-1", "2026-03-02T23:00:00Z", "Logged In", Map.of()));
    assertThat(sim.find("ana").deferredMessages()).hasSize(1);
    assertThat(sim.find("ana").deferredMessages().get(0).message().id())
        .isEqualTo(deferred.messageId());
    sim.finish(Timestamps.parse("2026-03-04T00:00:00Z"));
    List<Effect.Send> sends =
        effects.stream()
            .filter(Effect.Send.class::isInstance)
            .map(Effect.Send.class::cast)
            .toList();
    assertThat(sends).hasSize(1);
    assertThat(sends.get(0).profile()).isEqualTo("ana");
    assertThat(sends.get(0).time()).isEqualTo(deferred.until());
    assertThat(sends.get(0).messageId()).isEqualTo(deferred.messageId());
    assertThat(sim.find("ana").deferredMessages()).isEmpty();
  }

  @Test
  void anUnsubscribeWhileDeferredSkipsTheMessageWhenItIsDue() throws Exception {
    Simulator sim = sim();
    sim.accept(event("bo", null, "2026-03-02T22:00:00Z", "Viewed", Map.of()));
    sim.accept(
        event("bo", null, "2026-03-02T23:00:00Z", "Unsubscribed", Map.of("channel", "email")));
    sim.finish(Timestamps.parse("2026-03-04T00:00:00Z"));
    Effect.Skipped skipped =
        effects.stream()
            .filter(Effect.Skipped.class::isInstance)
            .map(Effect.Skipped.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(skipped.time()).isEqualTo(Timestamps.parse("2026-03-03T08:00:00Z"));
    assertThat(skipped.reason())
        .isEqualTo(
            "step step-1: marketing email with template 'offer', deferred at 2026-03-02T22:00:00Z;"
                + " not sent: unsubscribed from email (Unsubscribed {channel: email} at"
                + " 2026-03-02T23:00:00Z)");
  }

  @Test
  void aSendCarriesItsEventAndDispatcherReportsAreNotActivity() throws Exception {
    Simulator sim = sim();
    sim.accept(
        event("ana", null, "2026-03-02T10:00:00Z", "Viewed", Map.of("sku", "sku-9", "price", 12)));
    Effect.Send send =
        effects.stream()
            .filter(Effect.Send.class::isInstance)
            .map(Effect.Send.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(send.event()).containsEntry("name", "Viewed");
    assertThat(send.event().get("properties").toString()).contains("sku-9");
    assertThat(send.expiresAt()).isEqualTo(Long.MAX_VALUE);
    long lastSeen = sim.find("ana").profile().lastSeen();

    sim.accept(
        event(
            "ana",
            null,
            "2026-03-05T10:00:00Z",
            "Message Sent",
            Map.of("channel", "email", "message_id", "x")));
    assertThat(sim.find("ana").profile().lastSeen()).isEqualTo(lastSeen);

    // A hard bounce reported by the dispatcher suppresses the address it names.
    sim.accept(
        event(
            "ana",
            null,
            "2026-03-05T11:00:00Z",
            "Message Bounced",
            Map.of("channel", "email", "address", "ana@example.com", "type", "hard")));
    assertThat(sim.find("ana").consent().bounce("email").address()).isEqualTo("ana@example.com");
    assertThat(sim.find("ana").profile().lastSeen()).isEqualTo(lastSeen);

    // A privacy proxy's prefetch is not the customer; the customer's own open is.
    sim.accept(
        event(
            "ana",
            null,
            "2026-03-05T12:00:00Z",
            "Email Opened",
            Map.of("message_id", "x", "machine", true)));
    assertThat(sim.find("ana").profile().lastSeen()).isEqualTo(lastSeen);
    sim.accept(
        event(
            "ana",
            null,
            "2026-03-05T13:00:00Z",
            "Email Opened",
            Map.of("message_id", "x", "machine", false)));
    assertThat(sim.find("ana").profile().lastSeen())
        .isEqualTo(java.time.Instant.parse("2026-03-05T13:00:00Z").toEpochMilli());
  }

  @Test
  void aPushAddressReportedGoneLeavesTheProfileUnlessItChanged() throws Exception {
    Simulator sim = sim();
    Event identify =
        new Event(
            EventType.IDENTIFY,
            "m" + (++n),
            "ana",
            null,
            Timestamps.parse("2026-03-02T10:00:00Z"),
            Event.IDENTIFY,
            JsonObject.EMPTY,
            JsonObject.of(Map.of("push_token", "tok-1", "email", "ana@example.com")),
            EventContext.EMPTY,
            null,
            null);
    sim.accept(identify);
    Map<String, Object> gone = new java.util.LinkedHashMap<>();
    gone.put("channel", "push");
    gone.put("address", "tok-1");
    gone.put("address_gone", true);
    sim.accept(event("ana", null, "2026-03-02T11:00:00Z", "Message Failed", gone));
    assertThat(sim.find("ana").profile().trait("push_token")).isNull();
    assertThat(sim.find("ana").profile().trait("email")).isEqualTo("ana@example.com");
  }
}
