package io.kairos.server.delivery;

import io.kairos.definition.Definitions;
import io.kairos.engine.ProfileState;
import io.kairos.policy.Policies;
import io.kairos.server.definitions.PublishedDefinitions;
import io.kairos.server.runtime.LiveRuntime;
import io.kairos.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Reads a message's recipient from the committed profile rows. An anonymous profile merged into an
 * identified one is followed to it (through {@code merged_into} while the row exists, then through
 * the anonymous id's identity row), so consent given after an identify counts.
 */
final class Recipients {
  private static final int MAX_HOPS = 8;

  private final Database db;
  private final LiveRuntime runtime;
  private final PublishedDefinitions definitions;

  Recipients(Database db, LiveRuntime runtime, PublishedDefinitions definitions) {
    this.db = db;
    this.runtime = runtime;
    this.definitions = definitions;
  }

  /** The recipient now, or null when the profile was erased. */
  Recipient load(String workspace, String profileId) {
    String id = profileId;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      Row row = row(workspace, id);
      if (row == null) {
        String target = identityTarget(workspace, id);
        if (target == null || target.equals(id)) {
          return null;
        }
        id = target;
        continue;
      }
      if (row.mergedInto != null) {
        id = row.mergedInto;
        continue;
      }
      ProfileState state = runtime.decode(workspace, row.state).state();
      Definitions d = definitions.published(workspace);
      Policies policies = d == null ? Policies.NONE : d.policies();
      ZoneId zone = state.profile().zone() == null ? ZoneOffset.UTC : state.profile().zone();
      return new Recipient(id, state.profile(), state.consent(), zone, policies);
    }
    throw new IllegalStateException(
        "profile " + profileId + " of " + workspace + ": more than " + MAX_HOPS + " merges");
  }

  private record Row(byte[] state, String mergedInto) {}

  private Row row(String workspace, String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT state, merged_into FROM profiles WHERE workspace = ? AND id = ?")) {
            ps.setString(1, workspace);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Row(rs.getBytes(1), rs.getString(2)) : null;
            }
          }
        });
  }

  private String identityTarget(String workspace, String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT profile FROM identities WHERE workspace = ? AND value = ?"
                      + " AND kind = 'anonymous'")) {
            ps.setString(1, workspace);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }
}
