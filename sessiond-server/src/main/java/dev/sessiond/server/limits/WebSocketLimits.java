package dev.sessiond.server.limits;

/**
 * How many WebSockets this node holds open: in all, per user and per session (0: no limit).
 * A place is taken before the upgrade, so that a refusal is a plain HTTP 429, and held until
 * the socket's TCP connection closes. Never touched by requests that are not upgrades.
 */
public final class WebSocketLimits {

  private final Ceilings ceilings;

  public WebSocketLimits(int inAll, int perUser, int perSession) {
    this.ceilings = new Ceilings(inAll,
        "this server holds as many WebSockets as it allows (%d); try again later",
        new int[] {perUser, perSession},
        "this user has %d WebSockets open, the most allowed; close one first",
        "this session has %d WebSockets open, the most allowed; close one first");
  }

  /** A place for one more socket of this session, or {@link dev.sessiond.core.SessiondException.RateLimited}. */
  public Permit take(String userId, String sessionId) {
    return ceilings.take(userId, sessionId);
  }

  /** Sockets counted now: in all, of a user, of a session. */
  public int inAll() {
    return ceilings.inAll();
  }

  public int ofUser(String userId) {
    return ceilings.of(0, userId);
  }

  public int ofSession(String sessionId) {
    return ceilings.of(1, sessionId);
  }
}
