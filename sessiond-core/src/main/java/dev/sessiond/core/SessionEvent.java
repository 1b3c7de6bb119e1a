package dev.sessiond.core;

/**
 * What happened to sessions, for live pushes and metrics. Revocations name their scope: one
 * session, every session of one user, or all of them.
 */
public sealed interface SessionEvent {

  /**
   * Why a session ended or its connections were dropped; each maps to its own close code, but
   * the two ways a user ends its own sessions from another device share one.
   */
  enum Reason {
    LOGOUT, REVOKED, USER_INTERRUPTED, CLEARED, MEMBER_CHANGED, EXPIRED, EVICTED, DISCONNECTED,
    /** The session's own user signed it out from another of its sessions. */
    SIGNED_OUT_ELSEWHERE,
    /** The session's own member changed its password from another of its sessions. */
    PASSWORD_CHANGED_ELSEWHERE,
    /** The session's OpenID Provider said its provider session ended (back-channel logout). */
    PROVIDER_LOGOUT;

    /** Why the sessions of a logged event ended, or were dropped (their close code follows from it). */
    public static Reason of(dev.sessiond.core.events.Event e) {
      return switch (e.type()) {
        case SESSION_EXPIRED -> EXPIRED;
        case SESSION_DISCONNECTED -> DISCONNECTED;
        case SESSION_CREATED -> throw new IllegalArgumentException("a creation ends nothing");
        case SESSION_REVOKED -> of(e.reason());
        default -> throw new IllegalArgumentException(e.type().wire() + " ends nothing");
      };
    }

    /** The Reason of a {@code session.revoked} reason ({@link dev.sessiond.core.events.Reasons}). */
    public static Reason of(String logReason) {
      return switch (logReason == null ? "" : logReason) {
        case dev.sessiond.core.events.Reasons.LOGOUT -> LOGOUT;
        case dev.sessiond.core.events.Reasons.USER -> USER_INTERRUPTED;
        case dev.sessiond.core.events.Reasons.CLEAR -> CLEARED;
        case dev.sessiond.core.events.Reasons.MEMBER_DELETED, dev.sessiond.core.events.Reasons.PASSWORD_CHANGED,
            dev.sessiond.core.events.Reasons.LOGIN_REVOKED -> MEMBER_CHANGED;
        case dev.sessiond.core.events.Reasons.EVICTED -> EVICTED;
        case dev.sessiond.core.events.Reasons.SIGNED_OUT_ELSEWHERE -> SIGNED_OUT_ELSEWHERE;
        case dev.sessiond.core.events.Reasons.PASSWORD_CHANGED_ELSEWHERE -> PASSWORD_CHANGED_ELSEWHERE;
        case dev.sessiond.core.events.Reasons.PROVIDER_LOGOUT -> PROVIDER_LOGOUT;
        default -> REVOKED;
      };
    }
  }

  record Created(Session session) implements SessionEvent {}

  /** One session ended. */
  record Revoked(String sessionId, String userId, Reason reason) implements SessionEvent {}

  /** Every session of one user ended; {@code count} of them existed. */
  record UserRevoked(String userId, int count, Reason reason) implements SessionEvent {}

  /** Every session ended. */
  record AllRevoked(int count, Reason reason) implements SessionEvent {}

  /** An admin asked for a session's live connections to be dropped; the session stays valid. */
  record Disconnected(String sessionId, String userId) implements SessionEvent {}

  /**
   * The live connections one node holds for a session changed. Nodes sharing a store tell
   * each other, so that any node can report the whole picture.
   */
  record ConnectionsChanged(String sessionId, String userId, String node, int connections, boolean connected,
      java.time.Instant connectedSince, java.time.Instant notConnectedSince) implements SessionEvent {}
}
