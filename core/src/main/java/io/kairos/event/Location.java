package io.kairos.event;

/** A point on Earth from {@code context.location}, in degrees. */
public record Location(double latitude, double longitude) {
  public Location {
    if (!(latitude >= -90 && latitude <= 90)) {
      throw new IllegalArgumentException("latitude must be between -90 and 90");
    }
    if (!(longitude >= -180 && longitude <= 180)) {
      throw new IllegalArgumentException("longitude must be between -180 and 180");
    }
  }
}
