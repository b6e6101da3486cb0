package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.recommend.Catalog;
import org.junit.jupiter.api.Test;

class GeofenceEngineTest {

  // Alexanderplatz, Berlin; 0.001° of latitude is about 111 m.
  static final String FENCES =
      """
      geofences:
        store:
          lat: 52.5200
          lon: 13.4100
          radius: 150
        park:
          polygon:
            - [52.5300, 13.4000]
            - [52.5300, 13.4200]
            - [52.5400, 13.4200]
            - [52.5400, 13.4000]
      """;

  static final String PUSH =
      """
      id: nearby
      goal: bring people near the store in
      trigger: { location_entered: store }
      entry: { once_per: 1d }
      steps:
        - send: push
          template: store-nearby
      """;

  static final String PARK_EXIT =
      """
      id: park-bye
      goal: say goodbye
      trigger: { location_exited: park }
      entry: parallel
      steps:
        - send: push
          template: bye
      """;

  private static DefinitionsHarness harness() {
    return DefinitionsHarness.of(
        Catalog.EMPTY, "fences.yaml", FENCES, "nearby.yaml", PUSH, "park.yaml", PARK_EXIT);
  }

  @Test
  void enteringTriggersOnceStayingInsideDoesNotAndOncePerDayHolds() {
    DefinitionsHarness h =
        harness()
            .at("ana", "2026-05-01T09:00:00Z", 52.5250, 13.4100) // 556 m north: outside
            .at("ana", "2026-05-01T09:05:00Z", 52.5205, 13.4100) // 56 m: inside
            .at("ana", "2026-05-01T09:10:00Z", 52.5201, 13.4101) // still inside
            .at("ana", "2026-05-01T10:00:00Z", 52.5250, 13.4100) // left
            .at("ana", "2026-05-01T11:00:00Z", 52.5200, 13.4100) // back, same day
            .at("ana", "2026-05-01T12:00:00Z", 52.5250, 13.4100) // left
            .at("ana", "2026-05-02T11:00:01Z", 52.5200, 13.4100); // back, a day later
    assertThat(h.lines())
        .containsExactly(
            "2026-05-01T09:05:00Z fence/store ana location location entered",
            "2026-05-01T09:05:00Z nearby ana trigger enter",
            "2026-05-01T09:05:00Z nearby ana step-1 send push store-nearby",
            "2026-05-01T09:05:00Z nearby ana end complete",
            "2026-05-01T10:00:00Z fence/store ana location location exited",
            "2026-05-01T11:00:00Z fence/store ana location location entered",
            "2026-05-01T11:00:00Z nearby ana trigger entry refused",
            "2026-05-01T12:00:00Z fence/store ana location location exited",
            "2026-05-02T11:00:01Z fence/store ana location location entered",
            "2026-05-02T11:00:01Z nearby ana trigger enter",
            "2026-05-02T11:00:01Z nearby ana step-1 send push store-nearby",
            "2026-05-02T11:00:01Z nearby ana end complete");
    Effect.LocationChanged first = h.of(Effect.LocationChanged.class).get(0);
    assertThat(first.reason()).isEqualTo("entered: 56 m from the centre of store (radius 150 m)");
    assertThat(h.of(Effect.Entered.class).get(0).reason()).isEqualTo("entered geofence 'store'");
    assertThat(h.of(Effect.EntryRefused.class).get(0).reason())
        .startsWith("entered geofence 'store'; refused by entry once_per 1d");
  }

  @Test
  void leavingAPolygonTriggersTheExitJourneyAndMovingBetweenFencesExitsFirst() {
    DefinitionsHarness h =
        harness()
            .at("bo", "2026-05-01T09:00:00Z", 52.5350, 13.4100) // in the park
            .at("bo", "2026-05-01T09:30:00Z", 52.5200, 13.4100); // at the store
    assertThat(h.lines())
        .containsExactly(
            "2026-05-01T09:00:00Z fence/park bo location location entered",
            "2026-05-01T09:30:00Z fence/park bo location location exited",
            "2026-05-01T09:30:00Z fence/store bo location location entered",
            "2026-05-01T09:30:00Z park-bye bo trigger enter",
            "2026-05-01T09:30:00Z park-bye bo step-1 send push bye",
            "2026-05-01T09:30:00Z park-bye bo end complete",
            "2026-05-01T09:30:00Z nearby bo trigger enter",
            "2026-05-01T09:30:00Z nearby bo step-1 send push store-nearby",
            "2026-05-01T09:30:00Z nearby bo end complete");
    assertThat(h.of(Effect.LocationChanged.class).get(1).reason())
        .isEqualTo("left: outside park, 1112 m from its edge");
  }

  @Test
  void eventsWithoutLocationChangeNothingAndTheDerivedEventIsNotActivity() {
    DefinitionsHarness h =
        harness()
            .at("cy", "2026-05-01T09:00:00Z", 52.5200, 13.4100)
            .track("cy", "2026-05-01T09:01:00Z", "Page Viewed", java.util.Map.of());
    assertThat(h.lines("location")).hasSize(1);
    ProfileState s = h.sim.find("cy");
    assertThat(s.fences()).containsExactly("store");
    assertThat(s.profile().eventCount("Location Entered")).isEqualTo(1);
  }

  @Test
  void mergingAnAnonymousVisitorKeepsWhereTheCustomerIsSoStayingDoesNotRetrigger() {
    DefinitionsHarness h =
        harness()
            .located(null, "anon-1", "2026-05-01T09:00:00Z", "Location Updated", 52.52, 13.41)
            .located("dee", "anon-1", "2026-05-01T09:05:00Z", "Location Updated", 52.5201, 13.41);
    assertThat(h.lines())
        .containsExactly(
            "2026-05-01T09:00:00Z fence/store anon-1 location location entered",
            "2026-05-01T09:00:00Z nearby anon-1 trigger enter",
            "2026-05-01T09:00:00Z nearby anon-1 step-1 send push store-nearby",
            "2026-05-01T09:00:00Z nearby anon-1 end complete");
    assertThat(h.sim.find("dee").fences()).containsExactly("store");
  }
}
