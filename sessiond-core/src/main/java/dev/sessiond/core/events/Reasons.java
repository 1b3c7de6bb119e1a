package dev.sessiond.core.events;

/** Why a session ended, as written in {@link Event#reason()} of {@code session.revoked}. */
public final class Reasons {
  public static final String LOGOUT = "logout";
  /** One session deleted by an admin or by its own user from another device. */
  public static final String DELETED = "deleted";
  /** Every session of one user (DELETE /sessions/{uid}). */
  public static final String USER = "user";
  public static final String CLEAR = "clear";
  public static final String MEMBER_DELETED = "member_deleted";
  public static final String PASSWORD_CHANGED = "password_changed";
  public static final String EVICTED = "evicted";

  private Reasons() {}
}
