package dev.sessiond.server.ws;

import dev.sessiond.core.SessionEvent;
import dev.sessiond.core.SessionEvent.Reason;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.events.Event;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What the live connections do with each entry of the event log, whichever node wrote it: an
 * ending closes the sockets it concerns, a disconnect drops them, a creation reaches the admin
 * feed. Fed by this node's {@code EventFeed}, so a node that lost its link to the store catches
 * up on everything it missed once the link is back. A change this node made itself is applied at
 * once, before its answer leaves ({@link #local}: a disconnect is counted off when the caller
 * hears 204), and its entry is skipped when the feed reaches it, so nothing is pushed twice.
 */
public final class LogReactions implements Consumer<Event> {

  private final LiveConnections live;
  private final SessionService sessions;
  /** Changes applied from this node's own publications whose log entries the feed has not reached yet. */
  private final ConcurrentHashMap<String, Integer> appliedEarly = new ConcurrentHashMap<>();

  public LogReactions(LiveConnections live, SessionService sessions) {
    this.live = live;
    this.sessions = sessions;
  }

  /** A change published by this node after its store acknowledged it: applied now. */
  public void local(SessionEvent e) {
    String key = key(e);
    if (key != null) {
      appliedEarly.merge(key, 1, Integer::sum);
      live.accept(e);
    }
  }

  @Override
  public void accept(Event e) {
    SessionEvent change;
    switch (e.type()) {
      case SESSION_CREATED -> change = null;
      case SESSION_DISCONNECTED -> change = new SessionEvent.Disconnected(e.sessionId(), e.userId());
      case SESSION_EXPIRED, SESSION_REVOKED -> change = ending(e);
      default -> {
        return;   // profiles, members and keys: nothing for the sockets (rights changes close them where they are made)
      }
    }
    String key = change != null ? key(change) : "c " + e.sessionId();
    boolean[] early = {false};
    appliedEarly.computeIfPresent(key, (k, n) -> {
      early[0] = true;
      return n == 1 ? null : n - 1;
    });
    if (early[0]) {
      return;
    }
    if (change == null) {
      sessions.get(e.sessionId()).thenAccept(s -> live.accept(new SessionEvent.Created(s))).exceptionally(gone -> null);
    } else {
      live.accept(change);
    }
  }

  private static String key(SessionEvent e) {
    if (e instanceof SessionEvent.Created c) {
      return "c " + c.session().id();
    } else if (e instanceof SessionEvent.Revoked r) {
      return "r " + r.sessionId();
    } else if (e instanceof SessionEvent.UserRevoked u) {
      return "u " + u.userId() + " " + u.count();
    } else if (e instanceof SessionEvent.AllRevoked a) {
      return "a " + a.count();
    } else if (e instanceof SessionEvent.Disconnected d) {
      return "d " + d.sessionId();
    }
    return null;
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
