package io.kairos.server.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Writes {@code identities} rows (V2): which profile a userId or an anonymous id leads to. The
 * ingest writer stores what {@link IdentityRouter} changed with it; the store seeder ({@code
 * io.kairos.server.runtime.Seeder}) stores its customers' user ids with it too.
 */
public final class IdentityRows {
  private IdentityRows() {}

  /**
   * One identity and the profile it leads to.
   *
   * @param user a userId ({@code user}) or an anonymous id ({@code anonymous})
   */
  public record Identity(String workspace, boolean user, String value, String profile) {}

  /** Inserts each identity, or points an existing one to its new profile. */
  public static void upsert(Connection c, Collection<Identity> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO identities(workspace, kind, value, profile) VALUES (?,?,?,?)"
                + " ON CONFLICT (workspace, kind, value) DO UPDATE SET profile = excluded.profile")) {
      for (Identity r : rows) {
        ps.setString(1, r.workspace());
        ps.setString(2, r.user() ? "user" : "anonymous");
        ps.setString(3, r.value());
        ps.setString(4, r.profile());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
