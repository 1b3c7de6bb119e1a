package dev.sessiond.server.ws;

import dev.sessiond.core.SessionEvent.Reason;

/**
 * WebSocket close codes sessiond sends. 4001 keeps the session (reconnect with the same
 * token); every other 40xx means the session is gone and a reconnect with its token is refused.
 */
public final class CloseCodes {

  public static final short DISCONNECTED = 4001;
  public static final short LOGGED_OUT = 4002;
  public static final short REVOKED = 4003;
  public static final short USER_INTERRUPTED = 4004;
  public static final short CLEARED = 4005;
  public static final short MEMBER_CHANGED = 4006;
  public static final short EXPIRED = 4007;
  public static final short EVICTED = 4008;
  public static final short HEARTBEAT_TIMEOUT = 4009;
  /** The session's own user signed it out from another device (or changed its password there). */
  public static final short SIGNED_OUT_ELSEWHERE = 4010;
  /** The session's OpenID Provider ended its provider session (back-channel logout). */
  public static final short PROVIDER_LOGOUT = 4011;
  /** Standard codes for bad frames and shutdown. */
  public static final short GOING_AWAY = 1001;
  public static final short UNSUPPORTED_DATA = 1003;
  public static final short INVALID_PAYLOAD = 1007;
  public static final short POLICY_VIOLATION = 1008;
  public static final short MESSAGE_TOO_BIG = 1009;

  private CloseCodes() {}

  public static short of(Reason reason) {
    return switch (reason) {
      case DISCONNECTED -> DISCONNECTED;
      case LOGOUT -> LOGGED_OUT;
      case REVOKED -> REVOKED;
      case USER_INTERRUPTED -> USER_INTERRUPTED;
      case CLEARED -> CLEARED;
      case MEMBER_CHANGED -> MEMBER_CHANGED;
      case EXPIRED -> EXPIRED;
      case EVICTED -> EVICTED;
      case SIGNED_OUT_ELSEWHERE, PASSWORD_CHANGED_ELSEWHERE -> SIGNED_OUT_ELSEWHERE;
      case PROVIDER_LOGOUT -> CloseCodes.PROVIDER_LOGOUT;
    };
  }

  /** The words sent in {@code system/disconnect} and the close frame. */
  public static String message(Reason reason) {
    return switch (reason) {
      case DISCONNECTED -> "disconnected by an administrator; the session is still valid";
      case LOGOUT -> "logged out";
      case REVOKED -> "session revoked";
      case USER_INTERRUPTED -> "every session of this user was interrupted";
      case CLEARED -> "every session was interrupted";
      case MEMBER_CHANGED -> "the member was deleted, or its password or its right to log in changed";
      case EXPIRED -> "session expired";
      case EVICTED -> "session ended by the per-user session limit";
      case SIGNED_OUT_ELSEWHERE -> "signed out from another device";
      case PASSWORD_CHANGED_ELSEWHERE -> "signed out from another device, where the password was changed";
      case PROVIDER_LOGOUT -> "signed out at the identity provider";
    };
  }
}
