package dev.sessiond.core.events;

import java.util.Objects;

/**
 * Who asked for a change: a session (an admin's, or a user acting on its own sessions), the
 * static API token, an API key, a member logging in, or the system (expiry, eviction).
 *
 * @param userId the acting session's user or the member logging in; for an API key, the key's ID;
 *     null for the token and the system
 * @param sessionId the acting session; null unless {@code kind} is SESSION
 */
public record Actor(Kind kind, String userId, String sessionId) {

  public static final Actor SYSTEM = new Actor(Kind.SYSTEM, null, null);
  public static final Actor API_TOKEN = new Actor(Kind.API_TOKEN, null, null);

  public Actor {
    Objects.requireNonNull(kind, "kind");
  }

  public static Actor session(String userId, String sessionId) {
    return new Actor(Kind.SESSION, userId, sessionId);
  }

  public static Actor member(String memberId) {
    return new Actor(Kind.MEMBER, memberId, null);
  }

  /** An API key ({@code POST /api/keys}), by its ID. */
  public static Actor key(String keyId) {
    return new Actor(Kind.API_KEY, keyId, null);
  }

  /** The key's ID when this is an API key, else null. */
  public String keyId() {
    return kind == Kind.API_KEY ? userId : null;
  }

  /** Names on the wire: {@code session}, {@code api_token}, {@code api_key}, {@code member}, {@code system}. */
  public enum Kind {
    SESSION, API_TOKEN, MEMBER, SYSTEM, API_KEY;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
