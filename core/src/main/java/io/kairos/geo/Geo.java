package io.kairos.geo;

import java.util.List;

/** Distances and containment on the Earth's surface, in degrees and metres. */
public final class Geo {

  /** The mean Earth radius (IUGG), metres. */
  public static final double EARTH_RADIUS_M = 6_371_008.8;

  private Geo() {}

  /** Great-circle distance in metres (haversine: well-conditioned for small distances). */
  public static double haversine(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dp / 2) * Math.sin(dp / 2)
            + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /**
   * Ray casting (even-odd rule) with longitude as x and latitude as y. A point exactly on an edge
   * may fall either side; the exit margin absorbs such cases.
   */
  public static boolean inPolygon(List<double[]> points, double lat, double lon) {
    boolean inside = false;
    int n = points.size();
    for (int i = 0, j = n - 1; i < n; j = i++) {
      double yi = points.get(i)[0];
      double xi = points.get(i)[1];
      double yj = points.get(j)[0];
      double xj = points.get(j)[1];
      if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  /**
   * Metres from the point to the nearest edge, on a local flat projection centred on the point
   * (equirectangular): accurate to well under a percent over the few kilometres a geofence spans.
   */
  public static double distanceToEdges(List<double[]> points, double lat, double lon) {
    double k = Math.toRadians(1) * EARTH_RADIUS_M;
    double cos = Math.cos(Math.toRadians(lat));
    double best = Double.POSITIVE_INFINITY;
    int n = points.size();
    for (int i = 0, j = n - 1; i < n; j = i++) {
      double ax = (points.get(j)[1] - lon) * cos * k;
      double ay = (points.get(j)[0] - lat) * k;
      double bx = (points.get(i)[1] - lon) * cos * k;
      double by = (points.get(i)[0] - lat) * k;
      double dx = bx - ax;
      double dy = by - ay;
      double len = dx * dx + dy * dy;
      double t = len == 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len));
      double px = ax + t * dx;
      double py = ay + t * dy;
      best = Math.min(best, Math.sqrt(px * px + py * py));
    }
    return best;
  }
}
