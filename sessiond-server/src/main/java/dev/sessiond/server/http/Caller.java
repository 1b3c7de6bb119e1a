package dev.sessiond.server.http;

import dev.sessiond.core.Session;

/**
 * Who is asking: a session (by bearer token, query token or cookie), or a trusted backend
 * holding the static API token, which has the admin right and no session.
 */
public record Caller(Session session, boolean viaCookie) {

  public static final Caller API_TOKEN = new Caller(null, false);

  public boolean isAdmin() {
    return session == null || session.profile().isAdmin();
  }

  public boolean isApiToken() {
    return session == null;
  }

  /** Who this caller is in the event log. */
  public dev.sessiond.core.events.Actor actor() {
    return session == null ? dev.sessiond.core.events.Actor.API_TOKEN
        : dev.sessiond.core.events.Actor.session(session.userId(), session.id());
  }
}
