package io.kairos.geo;

import java.util.List;
import java.util.Locale;

/**
 * A named place: a circle (centre and radius) or a polygon of {@code [lat, lon]} corners, in
 * degrees (WGS 84) and metres.
 *
 * <p>{@code exitMargin} is hysteresis: once inside, a profile counts as having left only when it is
 * more than this many metres outside the boundary, so GPS jitter at the edge does not produce a
 * stream of entered/exited transitions.
 */
public sealed interface Fence {

  String id();

  /** Metres beyond the boundary a profile inside must go before it counts as having left. */
  double exitMargin();

  /** South, west, north, east edges of a box around the fence (exit margin included), degrees. */
  double[] bounds();

  /**
   * Where a point stands relative to the fence: signed metres from the boundary (negative inside)
   * and a phrase for the decision trace.
   */
  Position locate(double lat, double lon);

  /**
   * Signed metres from the boundary (negative inside): {@code locate(lat, lon).outside()} without
   * the phrase, which costs far more than the distance and is only needed on a transition.
   */
  double outside(double lat, double lon);

  /** Where a point is: {@code outside} metres beyond the boundary (negative when inside). */
  record Position(double outside, String description) {
    public boolean inside() {
      return outside <= 0;
    }
  }

  /** A circle: great-circle (haversine) distance from the centre compared with the radius. */
  record Circle(String id, double lat, double lon, double radius, double exitMargin)
      implements Fence {
    @Override
    public double[] bounds() {
      double reach = radius + exitMargin;
      double dLat = Math.toDegrees(reach / Geo.EARTH_RADIUS_M);
      double cos = Math.cos(Math.toRadians(Math.min(89.999, Math.abs(lat) + dLat)));
      double dLon = dLat / cos;
      return new double[] {lat - dLat, lon - dLon, lat + dLat, lon + dLon};
    }

    @Override
    public Position locate(double pLat, double pLon) {
      double d = Geo.haversine(lat, lon, pLat, pLon);
      return new Position(
          d - radius, metres(d) + " from the centre of " + id + " (radius " + metres(radius) + ")");
    }

    @Override
    public double outside(double pLat, double pLon) {
      return Geo.haversine(lat, lon, pLat, pLon) - radius;
    }
  }

  /**
   * A polygon, corners in order, closed implicitly. Containment is ray casting with latitude and
   * longitude as plane coordinates: exact for the small shapes geofences are (a mall, a district),
   * since edges are straight lines in degrees rather than great-circle arcs. Polygons may not cross
   * the antimeridian nor contain a pole (the reader rejects the first).
   */
  record Polygon(String id, List<double[]> points, double exitMargin) implements Fence {
    public Polygon {
      points = List.copyOf(points);
    }

    @Override
    public double[] bounds() {
      double s = 90;
      double w = 180;
      double n = -90;
      double e = -180;
      for (double[] p : points) {
        s = Math.min(s, p[0]);
        n = Math.max(n, p[0]);
        w = Math.min(w, p[1]);
        e = Math.max(e, p[1]);
      }
      double dLat = Math.toDegrees(exitMargin / Geo.EARTH_RADIUS_M);
      double cos = Math.cos(Math.toRadians(Math.min(89.999, Math.max(Math.abs(s), Math.abs(n)))));
      double dLon = dLat / cos;
      return new double[] {s - dLat, w - dLon, n + dLat, e + dLon};
    }

    @Override
    public Position locate(double lat, double lon) {
      boolean inside = Geo.inPolygon(points, lat, lon);
      double edge = Geo.distanceToEdges(points, lat, lon);
      return new Position(
          inside ? -edge : edge,
          (inside ? "inside " : "outside ") + id + ", " + metres(edge) + " from its edge");
    }

    @Override
    public double outside(double lat, double lon) {
      double edge = Geo.distanceToEdges(points, lat, lon);
      return Geo.inPolygon(points, lat, lon) ? -edge : edge;
    }
  }

  private static String metres(double m) {
    return String.format(Locale.ROOT, "%.0f m", m);
  }
}
