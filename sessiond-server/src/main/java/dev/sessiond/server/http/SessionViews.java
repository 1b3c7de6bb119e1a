package dev.sessiond.server.http;

import dev.sessiond.core.Session;
import dev.sessiond.server.wire.SessionData;
import dev.sessiond.server.wire.SessionState;
import java.util.Collection;
import java.util.concurrent.CompletionStage;

/** Builds SessionData: the stored session joined with its live connection state and readable client. */
public final class SessionViews {

  /** The live connection state of a session, by ID. */
  @FunctionalInterface
  public interface States {
    SessionState of(String sessionId);
  }

  private final States states;
  private final ClientNames clients;

  public SessionViews(States states, ClientNames clients) {
    this.states = states;
    this.clients = clients;
  }

  /** Completes once {@link #of} can name the clients of these sessions without parsing (see {@link ClientNames#prepare}). */
  public CompletionStage<Void> ready(Collection<Session> sessions) {
    return clients.prepare(sessions.stream().map(Session::userAgent).toList());
  }

  /** As {@link #ready(Collection)} for one session. */
  public CompletionStage<Void> ready(Session session) {
    return clients.prepare(session.userAgent());
  }

  public SessionData of(Session session) {
    return SessionData.of(session, states.of(session.id()), clients.named(session.userAgent()));
  }
}
