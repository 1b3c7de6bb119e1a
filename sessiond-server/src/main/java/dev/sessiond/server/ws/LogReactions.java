package dev.sessiond.server.ws;

import dev.sessiond.core.SessionEvent;
import dev.sessiond.core.SessionEvent.Reason;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.events.Event;
import java.util.function.Consumer;

/**
 * What the live connections do with each entry of the event log, whichever node wrote it: an
 * ending closes the sockets it concerns, a disconnect drops them, a creation reaches the admin
 * feed. Fed by this node's {@code EventFeed}, so a node that lost its link to the store catches
 * up on everything it missed once the link is back.
 */
public final class LogReactions implements Consumer<Event> {

  private final LiveConnections live;
  private final SessionService sessions;

  public LogReactions(LiveConnections live, SessionService sessions) {
    this.live = live;
    this.sessions = sessions;
  }

  @Override
  public void accept(Event e) {
    switch (e.type()) {
      case SESSION_CREATED -> sessions.get(e.sessionId()).thenAccept(s -> live.accept(new SessionEvent.Created(s)))
          .exceptionally(gone -> null);
      case SESSION_DISCONNECTED -> live.accept(new SessionEvent.Disconnected(e.sessionId(), e.userId()));
      case SESSION_EXPIRED, SESSION_REVOKED -> live.accept(ending(e));
      default -> { }
    }
  }

  static SessionEvent ending(Event e) {
    Reason reason = Reason.of(e);
    int count = e.count() == null ? 1 : e.count();
    if (e.sessionId() != null) {
      return new SessionEvent.Revoked(e.sessionId(), e.userId(), reason);
    }
    if (e.userId() != null) {
      return new SessionEvent.UserRevoked(e.userId(), count, reason);
    }
    return new SessionEvent.AllRevoked(count, reason);
  }
}
