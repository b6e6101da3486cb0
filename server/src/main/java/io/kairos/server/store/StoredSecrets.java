package io.kairos.server.store;

import java.sql.PreparedStatement;
import java.util.function.Supplier;

/**
 * Secrets the server generates once and keeps in the store's {@code settings} table (the webhook
 * signing secret, the key that signs links in messages), so that they survive restarts and every
 * process on the same store agrees on them.
 */
public final class StoredSecrets {
  private StoredSecrets() {}

  /**
   * The secret stored under {@code key}, generated and stored on first use.
   *
   * @return the value and whether this call created it
   */
  public static Secret get(Database db, String key, Supplier<String> generate) {
    return db.transaction(
        c -> {
          String stored = Settings.get(c, key);
          if (stored != null) {
            return new Secret(stored, false);
          }
          String secret = generate.get();
          try (PreparedStatement ps =
              c.prepareStatement("INSERT INTO settings(key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, secret);
            ps.executeUpdate();
          }
          return new Secret(secret, true);
        });
  }

  /** A stored secret and whether it was generated just now. */
  public record Secret(String value, boolean created) {}
}
