package dev.sessiond.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A session sessiond says is live: its ID, its user, its profile, and when it ends unless it is
 * used again ({@link #expiresAt()}: the idle deadline, never past the session's absolute end).
 * Immutable; the same object may be answered to many verifies of one token.
 */
public final class VerifiedSession {

  private final String id;
  private final String userId;
  private final Profile profile;
  private final long expiresAtMillis;

  VerifiedSession(String id, String userId, Profile profile, long expiresAtMillis) {
    this.id = Objects.requireNonNull(id, "id");
    this.userId = Objects.requireNonNull(userId, "userId");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.expiresAtMillis = expiresAtMillis;
  }

  public String id() {
    return id;
  }

  public String userId() {
    return userId;
  }

  public Profile profile() {
    return profile;
  }

  /** When the session ends if it is not used again, as sessiond last said. */
  public Instant expiresAt() {
    return Instant.ofEpochMilli(expiresAtMillis);
  }

  long expiresAtMillis() {
    return expiresAtMillis;
  }

  @Override
  public String toString() {
    return "VerifiedSession[id=" + id + ", userId=" + userId + ", expiresAt=" + expiresAt() + "]";
  }
}
