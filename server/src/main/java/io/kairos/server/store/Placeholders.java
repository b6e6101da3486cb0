package io.kairos.server.store;

/** The placeholders of an {@code IN (...)} list, for statements whose list length varies. */
public final class Placeholders {
  private Placeholders() {}

  /** {@code ?, ?, ?} for {@code n} values. */
  public static String of(int n) {
    StringBuilder b = new StringBuilder(n * 3);
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.toString();
  }
}
