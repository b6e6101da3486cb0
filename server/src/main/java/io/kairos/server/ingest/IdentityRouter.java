package io.kairos.server.ingest;

import io.kairos.event.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes events to profiles inside one writer transaction, with the rules of {@code
 * io.kairos.simulation.Simulator#resolve} and {@code #link}: a profile is keyed by the userId, or
 * by the anonymousId until a userId is known; an event carrying a userId U links its anonymousId
 * (and an alias its previousId) X to U, and when X still has its own never-identified profile, that
 * profile is merged into U. X already merged, or linked to another user, is only re-pointed to U; X
 * that is itself a userId is left alone.
 *
 * <p>The {@code identities} rows are the state: {@code (user, U) -> U} for every userId seen,
 * {@code (anonymous, X) -> P} for every anonymous id (or alias previousId) and the profile it leads
 * to; {@code (anonymous, X) -> X} while X's own anonymous profile exists. The writer loads the rows
 * a group of events needs ({@link #valuesOf}), routes the events in order, and writes {@link
 * #changed}.
 */
final class IdentityRouter {

  /** One identity: a userId ({@code user}) or an anonymous id in a workspace. */
  record Key(String workspace, boolean user, String value) {}

  /**
   * Where an event goes.
   *
   * @param profile the profile the event belongs to
   * @param merged anonymous profiles merged into {@code profile} before the event, in order
   */
  record Route(String profile, List<String> merged) {}

  private final Map<Key, String> known;
  private final Map<Key, String> changed = new LinkedHashMap<>();

  /**
   * @param known the stored rows for (at least) every id of the events to route
   */
  IdentityRouter(Map<Key, String> known) {
    this.known = new HashMap<>(known);
  }

  /** The ids whose rows routing {@code e} may read: its userId, anonymousId and previousId. */
  static void valuesOf(Accepted e, List<String> out) {
    if (e.userId() != null) {
      out.add(e.userId());
    }
    if (e.anonymousId() != null) {
      out.add(e.anonymousId());
    }
    if (e.type() == EventType.ALIAS && e.previousId() != null) {
      out.add(e.previousId());
    }
  }

  /** Routes one event, updating the identities for the events after it. */
  Route route(Accepted e) {
    String ws = e.workspace();
    String userId = e.userId();
    if (userId == null) {
      Key anon = new Key(ws, false, e.anonymousId());
      String profile = known.get(anon);
      if (profile == null) {
        profile = e.anonymousId();
        put(anon, profile);
      }
      return new Route(profile, List.of());
    }
    Key user = new Key(ws, true, userId);
    if (known.get(user) == null) {
      put(user, userId);
    }
    List<String> merged = List.of();
    if (e.anonymousId() != null) {
      merged = link(ws, e.anonymousId(), userId, merged);
    }
    if (e.type() == EventType.ALIAS && e.previousId() != null) {
      merged = link(ws, e.previousId(), userId, merged);
    }
    return new Route(userId, merged);
  }

  // Makes other lead to userId; merges other's own anonymous profile when it still exists.
  private List<String> link(String ws, String other, String userId, List<String> merged) {
    if (other.equals(userId) || known.get(new Key(ws, true, other)) != null) {
      return merged;
    }
    Key anon = new Key(ws, false, other);
    String current = known.get(anon);
    if (userId.equals(current)) {
      return merged;
    }
    put(anon, userId);
    if (other.equals(current)) {
      List<String> more = new ArrayList<>(merged);
      more.add(other);
      return more;
    }
    return merged;
  }

  private void put(Key key, String profile) {
    known.put(key, profile);
    changed.put(key, profile);
  }

  /** The profile {@code key} leads to after the events routed so far, or null. */
  String profileOf(Key key) {
    return known.get(key);
  }

  /** The rows to write: every identity added or re-pointed, with its final profile. */
  Map<Key, String> changed() {
    return changed;
  }
}
