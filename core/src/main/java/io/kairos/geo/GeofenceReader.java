package io.kairos.geo;

import io.kairos.journey.Doc;
import io.kairos.journey.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a {@code geofences:} section: a mapping of fence ids to circles ({@code lat}, {@code lon},
 * {@code radius} in metres) or polygons ({@code polygon}: a list of {@code [lat, lon]}), each with
 * an optional {@code exit_margin} in metres. Problems go to the {@link Doc} with their position.
 */
public final class GeofenceReader {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final List<String> KEYS =
      List.of("lat", "lon", "radius", "polygon", "exit_margin");

  private final Doc doc;

  public GeofenceReader(Doc doc) {
    this.doc = doc;
  }

  /**
   * The fences of the section, in order; invalid ones are reported and left out.
   *
   * @param defined ids already defined, with the file that defines them; this section's are added
   */
  public List<Fence> read(Node section, String source, Map<String, String> defined) {
    MappingNode m = doc.mapping(section, "geofences");
    if (m == null) {
      return List.of();
    }
    List<Fence> out = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      String id = doc.key(t.getKeyNode());
      if (id == null) {
        continue;
      }
      if (!ID.matcher(id).matches()) {
        doc.problem(
            t.getKeyNode(),
            "invalid geofence id '"
                + id
                + "': use lowercase letters, digits, '-' and '_', starting with a letter or digit");
        continue;
      }
      String other = defined.putIfAbsent(id, source);
      if (other != null) {
        doc.problem(t.getKeyNode(), "geofence '" + id + "' is already defined in " + other);
        continue;
      }
      Fence f = fence(id, t.getValueNode());
      if (f != null) {
        out.add(f);
      }
    }
    return List.copyOf(out);
  }

  private Fence fence(String id, Node node) {
    MappingNode m = doc.mapping(node, id);
    if (m == null) {
      return null;
    }
    int before = doc.problems().size();
    Fields f = Fields.of(doc, m, "geofence '" + id + "'", KEYS);
    double margin = 0;
    if (f.has("exit_margin")) {
      Double v = metres(f.get("exit_margin"), "exit_margin", true);
      margin = v == null ? 0 : v;
    }
    Fence fence;
    if (f.has("polygon")) {
      for (String k : List.of("lat", "lon", "radius")) {
        if (f.has(k)) {
          doc.problem(
              f.keyNode(k),
              "geofence '" + id + "' has both 'polygon' and '" + k + "'; a fence is one shape");
        }
      }
      List<double[]> points = polygon(f.get("polygon"));
      fence = points == null ? null : new Fence.Polygon(id, points, margin);
    } else if (f.has("lat") || f.has("lon") || f.has("radius")) {
      Node latNode = f.require("lat");
      Node lonNode = f.require("lon");
      Node radiusNode = f.require("radius");
      Double lat = latNode == null ? null : degrees(latNode, "lat", 90);
      Double lon = lonNode == null ? null : degrees(lonNode, "lon", 180);
      Double radius = radiusNode == null ? null : metres(radiusNode, "radius", false);
      fence =
          lat == null || lon == null || radius == null
              ? null
              : new Fence.Circle(id, lat, lon, radius, margin);
    } else {
      doc.problem(
          m, "geofence '" + id + "' needs lat, lon and radius (a circle) or polygon (a list)");
      return null;
    }
    return doc.problems().size() == before ? fence : null;
  }

  private List<double[]> polygon(Node node) {
    SequenceNode seq = doc.sequence(node, "polygon");
    if (seq == null) {
      return null;
    }
    List<double[]> points = new ArrayList<>();
    boolean failed = false;
    for (Node item : seq.getValue()) {
      double[] p = point(item);
      if (p == null) {
        failed = true;
        continue;
      }
      if (!points.isEmpty() && Math.abs(p[1] - points.get(points.size() - 1)[1]) > 180) {
        doc.problem(
            item,
            "polygon edge crosses the antimeridian (longitude ±180); split it into two fences");
        failed = true;
      }
      points.add(p);
    }
    if (failed) {
      return null;
    }
    if (points.size() >= 3 && Math.abs(points.get(0)[1] - points.get(points.size() - 1)[1]) > 180) {
      doc.problem(
          node, "polygon edge crosses the antimeridian (longitude ±180); split it into two fences");
      return null;
    }
    if (points.size() < 3) {
      doc.problem(node, "'polygon' needs at least 3 points, not " + points.size());
      return null;
    }
    return points;
  }

  private double[] point(Node item) {
    SequenceNode pair = doc.sequence(item, "polygon point");
    if (pair == null) {
      return null;
    }
    if (pair.getValue().size() != 2) {
      doc.problem(item, "a polygon point is [lat, lon], not a list of " + pair.getValue().size());
      return null;
    }
    Double lat = degrees(pair.getValue().get(0), "lat", 90);
    Double lon = degrees(pair.getValue().get(1), "lon", 180);
    return lat == null || lon == null ? null : new double[] {lat, lon};
  }

  private Double degrees(Node n, String what, double limit) {
    Number v = doc.number(n, what);
    if (v == null) {
      return null;
    }
    double d = v.doubleValue();
    if (!(d >= -limit && d <= limit)) {
      doc.problem(n, "'" + what + "' must be between -" + (int) limit + " and " + (int) limit);
      return null;
    }
    return d;
  }

  private Double metres(Node n, String what, boolean zeroAllowed) {
    Number v = doc.number(n, what);
    if (v == null) {
      return null;
    }
    double d = v.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d) || d < 0 || (!zeroAllowed && d == 0)) {
      doc.problem(
          n, "'" + what + "' must be " + (zeroAllowed ? "0 or more" : "more than 0") + " metres");
      return null;
    }
    return d;
  }
}
