package io.kairos.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeofencesTest {

  @Test
  void haversineMatchesKnownDistances() {
    // One degree of latitude on the mean sphere: 2πR/360.
    assertThat(Geo.haversine(0, 0, 1, 0)).isCloseTo(111_195.08, within(0.01));
    // Berlin TV tower to the Brandenburg Gate: about 2.3 km.
    assertThat(Geo.haversine(52.520817, 13.409419, 52.516275, 13.377704))
        .isCloseTo(2_200, within(50.0));
    // Across the antimeridian the short way round.
    assertThat(Geo.haversine(0, 179.999, 0, -179.999)).isCloseTo(222.4, within(0.1));
    assertThat(Geo.haversine(52.52, 13.41, 52.52, 13.41)).isZero();
  }

  @Test
  void rayCastingAndDistanceToTheEdge() {
    List<double[]> l =
        List.of(
            new double[] {0, 0},
            new double[] {0, 2},
            new double[] {1, 2},
            new double[] {1, 1},
            new double[] {2, 1},
            new double[] {2, 0}); // an L shape
    assertThat(Geo.inPolygon(l, 0.5, 0.5)).isTrue();
    assertThat(Geo.inPolygon(l, 1.5, 0.5)).isTrue();
    assertThat(Geo.inPolygon(l, 0.5, 1.5)).isTrue();
    assertThat(Geo.inPolygon(l, 1.5, 1.5)).isFalse(); // the notch
    assertThat(Geo.inPolygon(l, -0.1, 0.5)).isFalse();
    assertThat(Geo.distanceToEdges(l, 1.5, 1.5)).isCloseTo(0.5 * 111_195, within(300.0));
  }

  @Test
  void stayingInsideIsNoTransitionAndTheExitMarginHoldsAtTheEdge() {
    Fence.Circle c = new Fence.Circle("c", 0, 0, 100, 20);
    Geofences g = new Geofences(List.of(c));
    Presence p = new Presence();
    double m = 1 / 111_195.08; // degrees per metre of latitude
    assertThat(g.observe(p, 90 * m, 0, 1))
        .extracting(Geofences.Transition::entered)
        .containsExactly(true);
    assertThat(g.observe(p, 50 * m, 0, 2)).isEmpty();
    assertThat(g.observe(p, 110 * m, 0, 3)).as("outside, but within the margin").isEmpty();
    assertThat(g.observe(p, 125 * m, 0, 4))
        .extracting(Geofences.Transition::entered)
        .containsExactly(false);
    assertThat(g.observe(p, 110 * m, 0, 5)).as("entering needs the radius itself").isEmpty();
    assertThat(g.observe(p, 99 * m, 0, 6)).hasSize(1);
    assertThat(p.ids()).containsExactly("c");
    assertThat(p.locatedAt()).isEqualTo(6);
  }

  @Test
  void aFenceLargerThanTheGridOrAcrossTheAntimeridianIsStillFound() {
    Fence big = new Fence.Circle("big", 10, 10, 200_000, 0);
    Fence dateLine = new Fence.Circle("dateline", 0, 179.9999, 1_000, 0);
    Geofences g = new Geofences(List.of(big, dateLine));
    assertThat(g.observe(new Presence(), 11, 11, 0)).hasSize(1);
    assertThat(g.observe(new Presence(), 0, -179.9999, 0))
        .extracting(t -> t.fence().id())
        .containsExactly("dateline");
  }

  /** The grid is only an index: a seeded sweep checks it agrees with testing every fence. */
  @Test
  void gridAgreesWithTestingEveryFence() {
    SplittableRandom r = new SplittableRandom(42);
    List<Fence> fences = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      double lat = 48 + r.nextDouble() * 2;
      double lon = 2 + r.nextDouble() * 2;
      if (i % 3 == 0) {
        double d = 0.001 + r.nextDouble() * 0.05;
        fences.add(
            new Fence.Polygon(
                "p" + i,
                List.of(
                    new double[] {lat, lon},
                    new double[] {lat + d, lon + d / 3},
                    new double[] {lat + d / 2, lon + d}),
                0));
      } else {
        fences.add(new Fence.Circle("c" + i, lat, lon, 50 + r.nextDouble() * 5_000, 0));
      }
    }
    Geofences g = new Geofences(fences);
    for (int k = 0; k < 5_000; k++) {
      double lat = 47.9 + r.nextDouble() * 2.2;
      double lon = 1.9 + r.nextDouble() * 2.2;
      List<String> expected = new ArrayList<>();
      for (Fence f : fences) {
        if (f.outside(lat, lon) <= 0) { // what locate(...).inside() says, without the phrase
          expected.add(f.id());
        }
      }
      Presence p = new Presence();
      List<String> entered = g.observe(p, lat, lon, k).stream().map(t -> t.fence().id()).toList();
      assertThat(entered).as("at %s,%s", lat, lon).isEqualTo(expected);
    }
  }

  /**
   * Profiles that move about (so they are inside fences and leave them, margins included) in all
   * four hemispheres, against a brute force that locates every fence with its phrase: the same
   * transitions, with equal positions and phrases, in the same order.
   */
  @Test
  void movingProfilesGetTheTransitionsOfTestingEveryFenceEverywhere() {
    SplittableRandom r = new SplittableRandom(7);
    double[][] centres = {
      {48.1, 11.5}, {-33.9, 151.2}, {40.7, -74.0}, {-23.5, -46.6}, {0.05, 0.05}
    };
    List<Fence> fences = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double[] c = centres[i % centres.length];
      double lat = c[0] + (r.nextDouble() - 0.5) * 0.4;
      double lon = c[1] + (r.nextDouble() - 0.5) * 0.4;
      double margin = r.nextInt(3) * 25.0;
      if (i % 4 == 0) {
        double d = 0.002 + r.nextDouble() * 0.02;
        fences.add(
            new Fence.Polygon(
                "p" + i,
                List.of(
                    new double[] {lat, lon},
                    new double[] {lat + d, lon + d / 3},
                    new double[] {lat + d / 2, lon + d}),
                margin));
      } else {
        fences.add(new Fence.Circle("c" + i, lat, lon, 100 + r.nextDouble() * 3_000, margin));
      }
    }
    Geofences g = new Geofences(fences);
    Presence[] profiles = new Presence[20];
    List<List<String>> inside = new ArrayList<>();
    for (int i = 0; i < profiles.length; i++) {
      profiles[i] = new Presence();
      inside.add(new ArrayList<>());
    }
    double[][] at = new double[profiles.length][];
    int exited = 0;
    for (int k = 0; k < 10_000; k++) {
      int who = r.nextInt(profiles.length);
      if (at[who] == null || r.nextInt(50) == 0) {
        double[] c = centres[r.nextInt(centres.length)];
        at[who] = new double[] {c[0], c[1]};
      }
      at[who][0] += (r.nextDouble() - 0.5) * 0.01; // a walk of up to ~500 m a step
      at[who][1] += (r.nextDouble() - 0.5) * 0.01;
      double lat = at[who][0];
      double lon = at[who][1];
      List<Geofences.Transition> exits = new ArrayList<>();
      List<Geofences.Transition> entries = new ArrayList<>();
      List<String> mine = inside.get(who);
      for (Fence f : fences) {
        double outside = f.outside(lat, lon);
        if (k % 16 == 0) { // the phrase costs: check the distance agrees now and then
          assertThat(outside).isEqualTo(f.locate(lat, lon).outside());
        }
        boolean was = mine.contains(f.id());
        if (was && outside > f.exitMargin()) {
          exits.add(new Geofences.Transition(f, false, f.locate(lat, lon)));
        } else if (!was && outside <= 0) {
          entries.add(new Geofences.Transition(f, true, f.locate(lat, lon)));
        }
      }
      exited += exits.size();
      exits.forEach(t -> mine.remove(t.fence().id()));
      entries.forEach(t -> mine.add(t.fence().id()));
      List<Geofences.Transition> expected = new ArrayList<>(exits);
      expected.addAll(entries);
      assertThat(g.observe(profiles[who], lat, lon, k)).as("step %d", k).isEqualTo(expected);
      assertThat(profiles[who].ids()).containsExactlyInAnyOrderElementsOf(mine);
    }
    assertThat(exited).as("left fences").isGreaterThan(50);
    assertThat(inside.stream().mapToInt(List::size).sum()).as("some are inside").isPositive();
  }

  @Test
  void aFenceNoLongerDefinedIsDroppedFromThePresenceSilently() {
    Fence shop = new Fence.Circle("shop", 0, 0, 100, 0);
    Fence mall = new Fence.Circle("mall", 0, 0, 300, 0);
    Presence p = new Presence();
    assertThat(new Geofences(List.of(shop, mall)).observe(p, 0, 0, 1)).hasSize(2);
    Geofences redefined = new Geofences(List.of(mall));
    assertThat(redefined.observe(p, 0, 0, 2)).isEmpty();
    assertThat(p.ids()).containsExactly("mall");
    assertThat(redefined.observe(p, 1, 1, 3))
        .extracting(t -> t.fence().id() + (t.entered() ? " entered" : " left"))
        .containsExactly("mall left");
    assertThat(p.ids()).isEmpty();
  }
}
