package io.kairos.event;

import static io.kairos.event.JsonCursor.FLOAT;
import static io.kairos.event.JsonCursor.INT;
import static io.kairos.event.JsonCursor.NULL;
import static io.kairos.event.JsonCursor.OBJECT;
import static io.kairos.event.JsonCursor.STRING;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Set;

/**
 * Reads {@code context} in the same single pass as the rest of the message: picks the fields the
 * engine uses and remembers where the whole object lies, so it is kept as bytes without a second
 * parse.
 */
final class ContextReader {

  // Region ids only: ZoneId.of would also take offsets such as "+03:30", which have no daylight
  // saving rules and would put quiet hours at the wrong local time for half the year.
  private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

  // Indexed like the bits: bit i is NAMES[i]. Keys are matched as bytes, without Strings.
  private static final String[] NAMES = {"timezone", "locale", "ip", "location", "traits", "page"};
  private static final KeyTable KEYS = new KeyTable(NAMES);

  private static final int TIMEZONE = 0;
  private static final int LOCALE = 1;
  private static final int IP = 2;
  private static final int LOCATION = 3;
  private static final int TRAITS = 4;

  private static final KeyTable PAGE = new KeyTable("path", "url", "title", "referrer", "search");
  private static final int[] PAGE_KEYS = {
    PageProperties.PATH,
    PageProperties.URL,
    PageProperties.TITLE,
    PageProperties.REFERRER,
    PageProperties.SEARCH
  };

  private static final byte[] LATITUDE = "latitude".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LONGITUDE = "longitude".getBytes(StandardCharsets.US_ASCII);

  private final MessageReader reader;
  private final JsonCursor in;
  private int seen;

  String timezone;
  String locale;
  String ip;
  Location location;
  Slice traits;

  ContextReader(MessageReader reader, JsonCursor in) {
    this.reader = reader;
    this.in = in;
  }

  /**
   * Reads the object at the cursor and returns its slice; {@code page}, when not null, receives the
   * raw values of {@code context.page}.
   */
  Slice read(PageProperties page) {
    int start = in.pos;
    in.enter();
    for (boolean first = true; in.nextKey(first); first = false) {
      int key = KEYS.find(in);
      int t = in.next();
      if (key < 0) {
        in.skip(t);
        continue;
      }
      once(key);
      switch (key) {
        case TIMEZONE -> timezone = zone(t);
        case LOCALE -> locale = string(t, "context.locale", true);
        case IP -> ip = string(t, "context.ip", false);
        case LOCATION -> location = location(t);
        case TRAITS -> traits = reader.object(t, "context.traits");
        default -> {
          if (page != null && t == OBJECT) {
            page(page);
          } else {
            in.skip(t);
          }
        }
      }
    }
    return new Slice(start, in.pos, 0);
  }

  private void once(int key) {
    if ((seen & (1 << key)) != 0) {
      throw new Rejection("context." + NAMES[key], "duplicate field");
    }
    seen |= 1 << key;
  }

  private String zone(int t) {
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

  private String string(int t, String field, boolean repeats) {
    if (t == NULL) {
      return null;
    }
    if (t != STRING) {
      throw new Rejection(field, "must be a string");
    }
    return repeats ? reader.cachedText() : reader.text();
  }

  private Location location(int t) {
    if (t == NULL) {
      return null;
    }
    if (t != OBJECT) {
      throw new Rejection("context.location", "must be an object");
    }
    double latitude = Double.NaN;
    double longitude = Double.NaN;
    in.enter();
    for (boolean first = true; in.nextKey(first); first = false) {
      boolean lat = in.keyIs(LATITUDE) || (in.keyEscaped && in.key().equals("latitude"));
      boolean lon =
          !lat && (in.keyIs(LONGITUDE) || (in.keyEscaped && in.key().equals("longitude")));
      int v = in.next();
      if (lat) {
        latitude = degrees(v, "context.location.latitude", 90);
      } else if (lon) {
        longitude = degrees(v, "context.location.longitude", 180);
      } else {
        in.skip(v);
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

  private double degrees(int t, String field, int bound) {
    if (t == NULL) {
      return Double.NaN;
    }
    if (t != INT && t != FLOAT) {
      throw new Rejection(field, "must be a number");
    }
    double d = in.numberValue();
    if (!(d >= -bound && d <= bound)) {
      throw new Rejection(field, "must be between -" + bound + " and " + bound);
    }
    return d;
  }

  private void page(PageProperties page) {
    in.enter();
    for (boolean first = true; in.nextKey(first); first = false) {
      int key = PAGE.find(in);
      int v = in.next();
      if (key >= 0 && v == STRING) {
        int start = in.pos;
        in.string();
        page.set(PAGE_KEYS[key], start, in.pos);
      } else {
        in.skip(v);
      }
    }
  }
}
