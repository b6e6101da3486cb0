package io.kairos.server.http;

import io.javalin.http.Context;
import io.kairos.server.workspace.ApiKey;
import io.kairos.server.workspace.Scope;
import io.kairos.server.workspace.Workspaces;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Finds the API key of a request: {@code Authorization: Basic} with the key as user name (as
 * Segment's libraries send a write key), or {@code Authorization: Bearer <key>}. The tracking API
 * also accepts a {@code writeKey} field in the body; it reads that itself and calls {@link #check}.
 */
public final class Authenticator {
  private final Workspaces workspaces;

  public Authenticator(Workspaces workspaces) {
    this.workspaces = workspaces;
  }

  /** The key in the request's {@code Authorization} header, if any (not yet checked). */
  public static Optional<String> presented(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null) {
      return Optional.empty();
    }
    h = h.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(h.substring(7).trim());
    }
    if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return Optional.of(colon < 0 ? decoded : decoded.substring(0, colon));
      } catch (IllegalArgumentException e) {
        throw new ProblemException(
            Problem.of(401, "Unauthorized", "Authorization: Basic credentials are not base64"));
      }
    }
    throw new ProblemException(
        Problem.of(401, "Unauthorized", "Authorization: expected Basic or Bearer credentials"));
  }

  /**
   * The key of the request, which must allow {@code needed}.
   *
   * @throws ProblemException 401 when no valid key is presented, 403 when its scope is too narrow
   */
  public ApiKey require(Context ctx, Scope needed) {
    return check(presented(ctx).orElse(null), needed);
  }

  /** Checks a key presented any way. */
  public ApiKey check(String secret, Scope needed) {
    if (secret == null || secret.isEmpty()) {
      throw new ProblemException(
          Problem.of(
              401,
              "Unauthorized",
              "an API key is required: Authorization: Basic (key as user name) or Bearer"));
    }
    ApiKey key =
        workspaces
            .authenticate(secret)
            .orElseThrow(
                () ->
                    new ProblemException(
                        Problem.of(401, "Unauthorized", "the API key is unknown or revoked")));
    if (!key.scope().allows(needed)) {
      throw new ProblemException(
          Problem.of(
              403,
              "Forbidden",
              "a key of scope '" + key.scope().label() + "' cannot " + what(needed)));
    }
    return key;
  }

  private static String what(Scope needed) {
    return switch (needed) {
      case INGEST -> "send events (needs scope ingest or admin)";
      case READ -> "read this workspace's data (needs scope read or admin)";
      case ADMIN -> "change this workspace (needs scope admin)";
    };
  }
}
