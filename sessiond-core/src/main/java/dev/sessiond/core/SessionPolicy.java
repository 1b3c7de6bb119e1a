package dev.sessiond.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How long sessions live and how many one user may hold.
 *
 * @param idleTimeout        a session unused this long ends; every use slides it
 * @param maxLifetime        no session lives longer than this, however busy
 * @param maxSessionsPerUser 0 for no limit
 * @param onLimit            what a new session does to a user at the limit
 */
public record SessionPolicy(Duration idleTimeout, Duration maxLifetime, int maxSessionsPerUser, OnLimit onLimit) {

  public enum OnLimit { EVICT_OLDEST, DENY }

  /**
   * The default cap on one user's sessions: far above what a person holds (every browser and
   * device signed in, within a 24 h lifetime), far below what a script that logs in over and
   * over piles up (170 in a few seconds at 10 logins/s). With {@link OnLimit#EVICT_OLDEST} such
   * a script only ends its own oldest sessions. A trusted backend that mints a session per call
   * for one user ID should raise it (or set 0, no limit).
   */
  public static final int DEFAULT_MAX_SESSIONS_PER_USER = 100;

  /** Sliding updates are written at most this often per session; the idle deadline may be early by as much. */
  private static final Duration MAX_TOUCH_GRANULARITY = Duration.ofSeconds(30);
  /** A store that keeps sessions in memory may write their use to disk this much later, at most. */
  private static final Duration MAX_DURABLE_TOUCH_LAG = Duration.ofMinutes(5);

  public SessionPolicy {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    Objects.requireNonNull(onLimit, "onLimit");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new SessiondException.Invalid("session idle timeout must be positive");
    }
    if (maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new SessiondException.Invalid("session max lifetime must be positive");
    }
    if (maxSessionsPerUser < 0) {
      throw new SessiondException.Invalid("max sessions per user must be 0 (unlimited) or more");
    }
  }

  public static SessionPolicy defaults() {
    return new SessionPolicy(Duration.ofHours(1), Duration.ofHours(24), DEFAULT_MAX_SESSIONS_PER_USER, OnLimit.EVICT_OLDEST);
  }

  /** A twentieth of the idle timeout, at most 30 s: how stale lastSeenAt may be. */
  public Duration touchGranularity() {
    Duration twentieth = idleTimeout.dividedBy(20);
    return twentieth.compareTo(MAX_TOUCH_GRANULARITY) > 0 ? MAX_TOUCH_GRANULARITY : twentieth;
  }

  /**
   * How long a store that answers from memory may wait before it writes a use to disk (a crash
   * loses at most this much sliding, which only ends a session earlier): a twentieth of the idle
   * timeout, at most 5 minutes; never less than {@link #touchGranularity}. A session in steady
   * use is then written about once per this lag instead of once per granularity.
   */
  public Duration durableTouchLag() {
    Duration twentieth = idleTimeout.dividedBy(20);
    return twentieth.compareTo(MAX_DURABLE_TOUCH_LAG) > 0 ? MAX_DURABLE_TOUCH_LAG : twentieth;
  }
}
