package io.kairos.bench;

/**
 * Who the customers are: per user, an activity tier, a platform and a place (time zone, locale,
 * IP). Drawn once from the seed and kept as bytes, three per user.
 */
final class Population {

  static final byte HEAVY = 0;
  static final byte MODERATE = 1;
  static final byte LIGHT = 2;

  static final byte WEB = 0;
  static final byte IOS = 1;
  static final byte ANDROID = 2;

  /**
   * Where a customer lives. The offset is the zone's standard offset in January, used only for the
   * daily rhythm (nobody shops at 4 a.m.); the engine itself reads the zone name.
   */
  record Place(String zone, int offsetMinutes, String locale, int weightPercent) {}

  static final Place[] PLACES = {
    new Place("America/New_York", -300, "en-US", 22),
    new Place("America/Chicago", -360, "en-US", 10),
    new Place("America/Los_Angeles", -480, "en-US", 12),
    new Place("Europe/London", 0, "en-GB", 10),
    new Place("Europe/Berlin", 60, "de-DE", 12),
    new Place("Europe/Paris", 60, "fr-FR", 8),
    new Place("America/Sao_Paulo", -180, "pt-BR", 8),
    new Place("Asia/Tehran", 210, "fa-IR", 6),
    new Place("Asia/Tokyo", 540, "ja-JP", 7),
    new Place("Australia/Sydney", 660, "en-AU", 5)
  };

  /** Documentation ranges (RFC 5737): the shape of real addresses, nobody's real address. */
  static final String[] IP_PREFIXES = {"203.0.113.", "198.51.100.", "192.0.2."};

  private final byte[] tier;
  private final byte[] platform;
  private final byte[] place;
  private final long seed;

  Population(int users, long seed) {
    this.seed = seed;
    this.tier = new byte[users];
    this.platform = new byte[users];
    this.place = new byte[users];
    SplitMix rng = new SplitMix(seed ^ 0x70B0_1A71_0000L);
    for (int u = 0; u < users; u++) {
      double t = rng.nextDouble();
      tier[u] = t < 0.08 ? HEAVY : t < 0.70 ? MODERATE : LIGHT;
      double p = rng.nextDouble();
      platform[u] = p < 0.65 ? WEB : p < 0.85 ? IOS : ANDROID;
      place[u] = (byte) pickPlace(rng.nextInt(100));
    }
  }

  private static int pickPlace(int percent) {
    int acc = 0;
    for (int i = 0; i < PLACES.length; i++) {
      acc += PLACES[i].weightPercent();
      if (percent < acc) {
        return i;
      }
    }
    return 0;
  }

  int size() {
    return tier.length;
  }

  byte tier(int user) {
    return tier[user];
  }

  byte platform(int user) {
    return platform[user];
  }

  int place(int user) {
    return place[user];
  }

  static int offsetSeconds(int place) {
    return PLACES[place].offsetMinutes() * 60;
  }

  /** An index into {@link #IP_PREFIXES}, shifted left by 8, or'ed with the host octet (1–254). */
  int ip(int user) {
    long h = SplitMix.mix(seed + user);
    int prefix = (int) ((h >>> 8) % IP_PREFIXES.length);
    return (prefix << 8) | (int) (1 + (h & 0xFF) % 254);
  }
}
