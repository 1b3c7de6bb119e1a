package dev.sessiond.server.wire;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Instant;

/**
 * neko's SessionData, with sessiond's additions: {@code client}, the readable client of the
 * user agent; {@code current}, true on the caller's own session in {@code GET /api/me/sessions}
 * (absent elsewhere). {@code token} is present only in the answer that creates the session
 * (neko's SessionLoginResponse).
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
    String client,
    Boolean current,
    String token) {

  public static SessionData of(Session s, SessionState state, String client) {
    return new SessionData(s.id(), s.userId(), s.profile(), state, s.createdAt(), s.lastSeenAt(),
        s.expiresAt(), s.ip(), s.userAgent(), client, null, null);
  }

  public SessionData withToken(String newToken) {
    return new SessionData(id, userId, profile, state, createdAt, lastSeenAt, expiresAt, ip, userAgent, client,
        current, newToken);
  }

  public SessionData withCurrent(boolean isCurrent) {
    return new SessionData(id, userId, profile, state, createdAt, lastSeenAt, expiresAt, ip, userAgent, client,
        isCurrent, token);
  }
}
