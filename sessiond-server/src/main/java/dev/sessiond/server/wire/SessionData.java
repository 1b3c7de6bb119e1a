package dev.sessiond.server.wire;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Instant;

/**
 * neko's SessionData, with sessiond's additions. {@code token} is present only in the answer
 * that creates the session (neko's SessionLoginResponse).
 */
public record SessionData(
    String id,
    String userId,
    Profile profile,
    SessionState state,
    Instant createdAt,
    Instant lastSeenAt,
    Instant expiresAt,
    String ip,
    String userAgent,
    String token) {

  public static SessionData of(Session s, SessionState state) {
    return new SessionData(s.id(), s.userId(), s.profile(), state, s.createdAt(), s.lastSeenAt(),
        s.expiresAt(), s.ip(), s.userAgent(), null);
  }

  public SessionData withToken(String newToken) {
    return new SessionData(id, userId, profile, state, createdAt, lastSeenAt, expiresAt, ip, userAgent, newToken);
  }
}
