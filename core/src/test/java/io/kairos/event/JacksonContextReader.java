package io.kairos.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.ZoneId;
import java.util.Set;

/**
 * Reads {@code context} in the same single pass as the rest of the message: picks the fields the
 * engine uses and remembers where the whole object lies, so it is kept as bytes without a second
 * parse.
 */
final class JacksonContextReader {

  // Region ids only: ZoneId.of would also take offsets such as "+03:30", which have no daylight
  // saving rules and would put quiet hours at the wrong local time for half the year.
  private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

  private static final int TIMEZONE = 1;
  private static final int LOCALE = 1 << 1;
  private static final int IP = 1 << 2;
  private static final int LOCATION = 1 << 3;
  private static final int TRAITS = 1 << 4;
  private static final int PAGE = 1 << 5;

  private final JacksonMessageReader in;
  private final JsonParser p;
  private int seen;

  String timezone;
  String locale;
  String ip;
  Location location;
  Slice traits;

  JacksonContextReader(JacksonMessageReader in, JsonParser p) {
    this.in = in;
    this.p = p;
  }

  /**
   * Reads the object whose START_OBJECT the parser is on and returns its slice; {@code page}, when
   * not null, receives the raw values of {@code context.page}.
   */
  Slice read(PageProperties page) throws IOException {
    int start = in.tokenStart();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "timezone" -> {
          once(TIMEZONE, name);
          timezone = zone(t);
        }
        case "locale" -> {
          once(LOCALE, name);
          locale = string(t, "context.locale", true);
        }
        case "ip" -> {
          once(IP, name);
          ip = string(t, "context.ip", false);
        }
        case "location" -> {
          once(LOCATION, name);
          location = location(t);
        }
        case "traits" -> {
          once(TRAITS, name);
          traits = in.object(t, "context.traits");
        }
        case "page" -> {
          once(PAGE, name);
          if (page != null && t == JsonToken.START_OBJECT) {
            page(page);
          } else {
            in.skip(t);
          }
        }
        default -> in.skip(t);
      }
    }
    return new Slice(start, in.consumedEnd(), 0);
  }

  private void once(int bit, String name) {
    if ((seen & bit) != 0) {
      throw new Rejection("context." + name, "duplicate field");
    }
    seen |= bit;
  }

  private String zone(JsonToken t) throws IOException {
    String zone = string(t, "context.timezone", true);
    if (zone != null && !ZONES.contains(zone)) {
      throw new Rejection(
          "context.timezone",
          "unknown time zone "
              + MessageReader.quote(zone)
              + " (expected an IANA name such as Europe/Berlin)");
    }
    return zone;
  }

  private String string(JsonToken t, String field, boolean repeats) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new Rejection(field, "must be a string");
    }
    return repeats ? in.cachedText() : p.getText();
  }

  private Location location(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new Rejection("context.location", "must be an object");
    }
    double latitude = Double.NaN;
    double longitude = Double.NaN;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (name) {
        case "latitude" -> latitude = degrees(v, "context.location.latitude", 90);
        case "longitude" -> longitude = degrees(v, "context.location.longitude", 180);
        default -> in.skip(v);
      }
    }
    // Server-side enrichment often sends only city and country; that is no location, not an error.
    if (Double.isNaN(latitude) && Double.isNaN(longitude)) {
      return null;
    }
    if (Double.isNaN(latitude) || Double.isNaN(longitude)) {
      throw new Rejection("context.location", "latitude and longitude must be given together");
    }
    return new Location(latitude, longitude);
  }

  private double degrees(JsonToken t, String field, int bound) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return Double.NaN;
    }
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new Rejection(field, "must be a number");
    }
    double d = p.getDoubleValue();
    if (!(d >= -bound && d <= bound)) {
      throw new Rejection(field, "must be between -" + bound + " and " + bound);
    }
    return d;
  }

  private void page(PageProperties page) throws IOException {
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      int key =
          switch (name) {
            case "path" -> PageProperties.PATH;
            case "url" -> PageProperties.URL;
            case "title" -> PageProperties.TITLE;
            case "referrer" -> PageProperties.REFERRER;
            case "search" -> PageProperties.SEARCH;
            default -> -1;
          };
      if (key >= 0 && v == JsonToken.VALUE_STRING) {
        int start = in.tokenStart();
        page.set(key, start, in.stringEnd());
      } else {
        in.skip(v);
      }
    }
  }
}
