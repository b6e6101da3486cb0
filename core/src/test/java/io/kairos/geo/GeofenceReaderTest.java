package io.kairos.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kairos.definition.DefinitionLoader;
import io.kairos.definition.Definitions;
import io.kairos.journey.JourneyLoadException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeofenceReaderTest {

  private static Definitions load(String... files) throws JourneyLoadException {
    List<DefinitionLoader.Source> sources = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      sources.add(new DefinitionLoader.Source(files[i], files[i + 1]));
    }
    return new DefinitionLoader().load(sources);
  }

  private static List<String> problems(String... files) {
    JourneyLoadException e = catchThrowableOfType(() -> load(files), JourneyLoadException.class);
    assertThat(e).as("expected problems").isNotNull();
    return e.problems().stream().map(Object::toString).toList();
  }

  @Test
  void readsCirclesAndPolygonsInOrder() throws Exception {
    Definitions d =
        load(
            "places.yaml",
            """
            geofences:
              store: { lat: 52.52, lon: 13.41, radius: 150, exit_margin: 25 }
              mall:
                polygon: [[1, 2], [1, 3], [2, 3]]
            """);
    assertThat(d.geofences().fences()).extracting(Fence::id).containsExactly("store", "mall");
    assertThat(d.geofences().get("store"))
        .isEqualTo(new Fence.Circle("store", 52.52, 13.41, 150, 25));
    assertThat(((Fence.Polygon) d.geofences().get("mall")).points()).hasSize(3);
  }

  @Test
  void reportsEveryProblemAtItsPosition() {
    assertThat(
            problems(
                "places.yaml",
                """
                geofences:
                  a: { lat: 91, lon: 13.41, radius: 150 }
                  b: { lat: 52, lon: -181, radius: 0 }
                  c: { lat: 52, radius: 10 }
                  d: { polygon: [[1, 2], [1, 3]] }
                  e: { polygon: [[0, 179], [1, -179], [1, 178]] }
                  f: { polygon: [[1, 2, 3], [1, 3], [2, 3]], lat: 1 }
                  G: { lat: 1, lon: 1, radius: 1 }
                  h: { lat: 1, lon: 1, radius: 1, exit_margin: -5, color: red }
                  i: {}
                  j: { lat: '52', lon: 1, radius: 1 }
                """))
        .containsExactly(
            "places.yaml:2:13: 'lat' must be between -90 and 90",
            "places.yaml:3:22: 'lon' must be between -180 and 180",
            "places.yaml:3:36: 'radius' must be more than 0 metres",
            "places.yaml:4:6: missing required key 'lon' in geofence 'c'",
            "places.yaml:5:17: 'polygon' needs at least 3 points, not 2",
            "places.yaml:6:28: polygon edge crosses the antimeridian (longitude ±180); split it"
                + " into two fences",
            "places.yaml:6:39: polygon edge crosses the antimeridian (longitude ±180); split it"
                + " into two fences",
            "places.yaml:7:18: a polygon point is [lat, lon], not a list of 3",
            "places.yaml:7:46: geofence 'f' has both 'polygon' and 'lat'; a fence is one shape",
            "places.yaml:8:3: invalid geofence id 'G': use lowercase letters, digits, '-' and '_',"
                + " starting with a letter or digit",
            "places.yaml:9:48: 'exit_margin' must be 0 or more metres",
            "places.yaml:9:52: unknown key 'color' in geofence 'h'; expected one of lat, lon,"
                + " radius, polygon, exit_margin",
            "places.yaml:10:6: geofence 'i' needs lat, lon and radius (a circle) or polygon (a"
                + " list)",
            "places.yaml:11:13: 'lat' must be a number, not a string");
  }

  @Test
  void fenceIdsAreUniqueAcrossFilesAndTriggersMustNameAFence() {
    assertThat(
            problems(
                "a.yaml",
                "geofences:\n  store: { lat: 1, lon: 1, radius: 10 }\n",
                "b.yaml",
                "geofences:\n  store: { lat: 2, lon: 2, radius: 10 }\n",
                "j.yaml",
                "id: j\ngoal: g\ntrigger:\n  location_entered: stor\nsteps: [exit]\n"))
        .containsExactly(
            "b.yaml:2:3: geofence 'store' is already defined in a.yaml",
            "j.yaml:4:21: no geofence 'stor'; the geofences are store");
  }
}
