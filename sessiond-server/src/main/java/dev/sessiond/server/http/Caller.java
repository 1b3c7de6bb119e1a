package dev.sessiond.server.http;

import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.keys.ApiKey;
import dev.sessiond.core.keys.Scope;

/**
 * Who is asking: a session (by bearer token, query token or cookie), a trusted backend holding
 * the static API token (every right, no session), or an API key (its scopes, no session).
 */
public record Caller(Session session, boolean viaCookie, ApiKey key) {

  public static final Caller API_TOKEN = new Caller(null, false, null);

  public static Caller of(Session session, boolean viaCookie) {
    return new Caller(session, viaCookie, null);
  }

  public static Caller of(ApiKey key) {
    return new Caller(null, false, key);
  }

  /**
   * True when this caller may act in {@code scope}: the static token always; a key holding it
   * (or {@code admin}); a session when its profile has {@code is_admin}.
   */
  public boolean may(Scope scope) {
    if (session != null) {
      return session.profile().isAdmin();
    }
    return key == null || key.may(scope);
  }

  public boolean isAdmin() {
    return may(Scope.ADMIN);
  }

  /** True when no session is asking: the static API token or an API key. */
  public boolean isApiToken() {
    return session == null;
  }

  /** Who this caller is in the event log. */
  public Actor actor() {
    if (session != null) {
      return Actor.session(session.userId(), session.id());
    }
    return key != null ? Actor.key(key.id()) : Actor.API_TOKEN;
  }

  /** What names this caller for per-caller limits: its session's ID, its key's, or the static token. */
  public String holder() {
    if (session != null) {
      return session.id();
    }
    return key != null ? "key " + key.id() : "api token";
  }
}
