package io.kairos.server.workspace;

import io.kairos.server.store.Database;
import io.kairos.server.store.SqlWork;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Workspaces and their API keys. A key is {@code kairos_<id>_<secret>}: 24 random bytes of secret,
 * so a SHA-256 of it is enough to store (no slow hash is needed for a secret nobody chose). Checked
 * keys are cached for {@link #CACHE_MILLIS}: a key revoked by another process (the CLI) stops
 * working within that time, one revoked through this instance at once.
 */
public final class Workspaces {
  /** The workspace the server creates on first start. */
  public static final String DEFAULT = "default";

  static final long CACHE_MILLIS = 10_000;

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final String PREFIX = "kairos_";

  private final Database db;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(ApiKey key, long until) {}

  public Workspaces(Database db, InstantSource clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Creates a workspace, unless it exists.
   *
   * @return true when it was created now
   * @throws IllegalArgumentException when the id is not lower-case letters, digits, - and _
   */
  public boolean create(String id, String name) {
    return create(id, name, c -> null);
  }

  /**
   * Creates a workspace, unless it exists, and runs {@code filling} in the same transaction when it
   * is created: what a new workspace starts with (the definitions of {@code journeys.dir}) is there
   * exactly when the workspace is, whatever moment a crash picks.
   *
   * @return true when it was created now
   */
  public boolean create(String id, String name, SqlWork<?> filling) {
    checkId(id);
    return db.transaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO workspaces(id, name, created_at) VALUES (?, ?, ?)"
                      + " ON CONFLICT (id) DO NOTHING")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setLong(3, clock.millis());
            if (ps.executeUpdate() != 1) {
              return false;
            }
          }
          filling.run(c);
          return true;
        });
  }

  /** Whether the workspace exists. */
  public boolean exists(String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM workspaces WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /** Every workspace id, sorted. */
  public List<String> list() {
    return db.read(
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT id FROM workspaces ORDER BY id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          return ids;
        });
  }

  static void checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "workspace: expected 1-63 lower-case letters, digits, '-' or '_', got '" + id + "'");
    }
  }

  /**
   * Issues a new key for an existing workspace.
   *
   * @throws IllegalArgumentException when the workspace does not exist
   */
  public IssuedKey createKey(String workspace, Scope scope, String name) {
    byte[] idBytes = new byte[6];
    byte[] secretBytes = new byte[24];
    random.nextBytes(idBytes);
    random.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret =
        PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    db.transaction(
        c -> {
          if (!exists(c, workspace)) {
            throw new IllegalArgumentException("workspace: no workspace '" + workspace + "'");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO api_keys(id, workspace, scope, hash, name, created_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, workspace);
            ps.setString(3, scope.label());
            ps.setString(4, hash(secret));
            ps.setString(5, name);
            ps.setLong(6, clock.millis());
            ps.executeUpdate();
          }
          return null;
        });
    return new IssuedKey(id, workspace, scope, secret);
  }

  private static boolean exists(Connection c, String workspace) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM workspaces WHERE id = ?")) {
      ps.setString(1, workspace);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Revokes a key of a workspace.
   *
   * @return false when the workspace has no such live key
   */
  public boolean revokeKey(String workspace, String keyId) {
    boolean revoked =
        db.transaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE api_keys SET revoked_at = ? WHERE workspace = ? AND id = ?"
                          + " AND revoked_at IS NULL")) {
                ps.setLong(1, clock.millis());
                ps.setString(2, workspace);
                ps.setString(3, keyId);
                return ps.executeUpdate() == 1;
              }
            });
    cache.values().removeIf(k -> k.key().id().equals(keyId));
    return revoked;
  }

  /** The live key {@code secret} stands for, or empty when it is unknown or revoked. */
  public Optional<ApiKey> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
      return Optional.empty();
    }
    String h = hash(secret);
    long now = clock.millis();
    Cached hit = cache.get(h);
    if (hit != null && hit.until() > now) {
      return Optional.of(hit.key());
    }
    Optional<ApiKey> found =
        db.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, workspace, scope FROM api_keys"
                          + " WHERE hash = ? AND revoked_at IS NULL")) {
                ps.setString(1, h);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next()
                      ? Optional.of(
                          new ApiKey(
                              rs.getString(1), rs.getString(2), Scope.parse(rs.getString(3))))
                      : Optional.<ApiKey>empty();
                }
              }
            });
    if (found.isPresent()) {
      if (cache.size() > 10_000) {
        cache.clear();
      }
      cache.put(h, new Cached(found.get(), now + CACHE_MILLIS));
    } else {
      cache.remove(h);
    }
    return found;
  }

  static String hash(String secret) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
