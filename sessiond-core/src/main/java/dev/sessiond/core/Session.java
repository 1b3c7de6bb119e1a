package dev.sessiond.core;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One session: who holds it, what they may do, and when it ends. The token itself is never
 * here, only its hash. {@code expiresAt} is the sliding idle deadline, never later than
 * {@code deadline}, the absolute end of the session's life.
 */
public record Session(
    String id,
    String userId,
    String tokenHash,
    Profile profile,
    Instant createdAt,
    Instant lastSeenAt,
    Instant expiresAt,
    Instant deadline,
    String ip,
    String userAgent) {

  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(deadline, "deadline");
    // Times are kept to the millisecond, the resolution every store keeps.
    createdAt = toMillis(createdAt);
    lastSeenAt = toMillis(lastSeenAt);
    expiresAt = toMillis(expiresAt);
    deadline = toMillis(deadline);
    if (expiresAt.isAfter(deadline)) {
      expiresAt = deadline;
    }
    ip = ip == null ? "" : ip;
    userAgent = userAgent == null ? "" : userAgent;
  }

  /** Most times come from a store, already whole milliseconds: those are kept as they are. */
  private static Instant toMillis(Instant t) {
    return t.getNano() % 1_000_000 == 0 ? t : t.truncatedTo(ChronoUnit.MILLIS);
  }

  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** This session seen at {@code now}: the idle deadline slides, the absolute one does not. */
  public Session touchedAt(Instant now, Duration idleTimeout) {
    Instant idle = now.plus(idleTimeout);
    return new Session(id, userId, tokenHash, profile, createdAt, now,
        idle.isAfter(deadline) ? deadline : idle, deadline, ip, userAgent);
  }

  public Session withProfile(Profile newProfile) {
    return new Session(id, userId, tokenHash, newProfile, createdAt, lastSeenAt, expiresAt,
        deadline, ip, userAgent);
  }
}
