package dev.sessiond.core.events;

/** Why a session ended, as written in {@link Event#reason()} of {@code session.revoked}. */
public final class Reasons {
  public static final String LOGOUT = "logout";
  /** One session deleted by an admin. */
  public static final String DELETED = "deleted";
  /**
   * One session ended by its own user from another of its sessions (DELETE /api/me/sessions/{id},
   * POST /api/me/sessions/revoke-others); the actor is that other session.
   */
  public static final String SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere";
  /** One session ended because its member changed its own password in another of its sessions (POST /api/me/password). */
  public static final String PASSWORD_CHANGED_ELSEWHERE = "password_changed_elsewhere";
  /** Every session of one user (DELETE /sessions/{uid}). */
  public static final String USER = "user";
  public static final String CLEAR = "clear";
  public static final String MEMBER_DELETED = "member_deleted";
  public static final String PASSWORD_CHANGED = "password_changed";
  /** Every session of a member whose {@code can_login} an admin took away. */
  public static final String LOGIN_REVOKED = "login_revoked";
  public static final String EVICTED = "evicted";
  /** Sessions ended by their OpenID Provider's back-channel logout (its sign-out, or an admin's there). */
  public static final String PROVIDER_LOGOUT = "provider_logout";

  private Reasons() {}
}
