package io.kairos.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.definition.Definitions;
import io.kairos.policy.MessagePolicy;
import io.kairos.server.definitions.PublishedDefinitions;
import io.kairos.server.store.Database;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the profiles, in every workspace, whose SMS address is a given number: the trait the
 * workspace's policies name for SMS ({@code address:}), {@code phone} by default, equal to the
 * number as text.
 *
 * <p>There is no index on traits: the search reads every profile row, but compares the number as a
 * substring of the stored JSON first ({@code instr}/{@code strpos}, no JSON parsing) and parses
 * only the few rows that contain it. Inbound texts are rare next to events, so this keeps the
 * runtime's profile writes free of an index on a JSON expression (see docs/channels.md for the
 * cost).
 */
final class ProfilesByPhone {
  private static final Logger log = LoggerFactory.getLogger(ProfilesByPhone.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rows containing the number that are looked at, at most: a number is one person's. */
  static final int MAX_CANDIDATES = 1_000;

  /** A profile the number belongs to. */
  record Match(String workspace, String profileId, String userId) {}

  private final Database db;
  private final PublishedDefinitions definitions;

  ProfilesByPhone(Database db, PublishedDefinitions definitions) {
    this.db = db;
    this.definitions = definitions;
  }

  /** The profiles whose SMS address is {@code number}, by workspace and id. */
  List<Match> find(String number) {
    if (number == null || number.isBlank()) {
      return List.of();
    }
    String contains =
        db.kind() == Database.Kind.POSTGRES ? "strpos(traits, ?) > 0" : "instr(traits, ?) > 0";
    List<String[]> rows =
        db.read(
            c -> {
              List<String[]> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT workspace, id, user_id, traits FROM profiles WHERE "
                          + contains
                          + " AND merged_into IS NULL ORDER BY workspace, id LIMIT ?")) {
                ps.setString(1, number);
                ps.setInt(2, MAX_CANDIDATES + 1);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new String[] {
                          rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)
                        });
                  }
                }
              }
              return out;
            });
    if (rows.size() > MAX_CANDIDATES) {
      log.warn(
          "sms: more than {} profiles mention {}; only the first {} are looked at",
          MAX_CANDIDATES,
          number,
          MAX_CANDIDATES);
      rows = rows.subList(0, MAX_CANDIDATES);
    }
    Map<String, String> traitOf = new HashMap<>();
    List<Match> out = new ArrayList<>();
    for (String[] r : rows) {
      String trait = traitOf.computeIfAbsent(r[0], this::addressTrait);
      if (number.equals(text(r[3], trait))) {
        out.add(new Match(r[0], r[1], r[2]));
      }
    }
    return out;
  }

  private String addressTrait(String workspace) {
    Definitions d = definitions.published(workspace);
    String a = d == null ? null : d.policies().channel("sms").address();
    return a != null ? a : MessagePolicy.DEFAULT_ADDRESSES.get("sms");
  }

  /** The text of trait {@code path} (dots reach into objects) in the JSON {@code traits}. */
  private static String text(String traits, String path) {
    JsonNode n;
    try {
      n = JSON.readTree(traits);
    } catch (IOException e) {
      return null;
    }
    for (String part : path.split("\\.")) {
      if (n == null || !n.isObject()) {
        return null;
      }
      n = n.get(part);
    }
    return n != null && n.isTextual() ? n.asText() : null;
  }
}
