package dev.sessiond.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per key (a username, a client IP) in a sliding window and refuses a key
 * that reached its limit until its oldest failure leaves the window. An attempt counts from
 * the moment it is let in ({@link #reserve}) until its outcome is known ({@link #release}), so
 * that attempts sent in parallel cannot pass the limit while earlier ones are still hashing.
 * Thread-safe. Memory is bounded by {@link #sweep}, which drops keys with nothing left.
 */
public final class LoginThrottle {

  private static final Duration BUSY_RETRY = Duration.ofSeconds(1);

  private final Clock clock;
  private final Duration window;
  private final ConcurrentHashMap<String, Key> keys = new ConcurrentHashMap<>();

  /** One key's failures in the window and its attempts in flight; guarded by itself. */
  private static final class Key {
    final Deque<Instant> failures = new ArrayDeque<>();
    int inFlight;
  }

  public LoginThrottle(Clock clock, Duration window) {
    this.clock = clock;
    this.window = window;
  }

  /**
   * Lets one attempt for {@code key} in, or throws RateLimited when its failures in the window
   * plus its attempts in flight already reach {@code limit}. Every reservation must be released.
   */
  public void reserve(String key, int limit) {
    Instant now = clock.instant();
    // compute() holds the map's bin lock, so a concurrent sweep cannot drop the key between the two steps.
    keys.compute(key, (k, state) -> {
      Key s = state == null ? new Key() : state;
      synchronized (s) {
        prune(s.failures, now);
        if (s.failures.size() + s.inFlight >= limit) {
          Duration wait = s.failures.size() >= limit
              ? Duration.between(now, s.failures.peekFirst().plus(window))
              : BUSY_RETRY;
          throw new SessiondException.RateLimited("too many failed logins, try again later",
              wait.isNegative() || wait.isZero() ? BUSY_RETRY : wait);
        }
        s.inFlight++;
      }
      return s;
    });
  }

  /** Ends an attempt let in by {@link #reserve}; a failed one counts in the window. */
  public void release(String key, boolean failed) {
    Instant now = clock.instant();
    keys.computeIfPresent(key, (k, s) -> {
      synchronized (s) {
        s.inFlight = Math.max(0, s.inFlight - 1);
        if (failed) {
          prune(s.failures, now);
          if (s.failures.size() < 1000) {
            s.failures.addLast(now);
          }
        }
        return s.failures.isEmpty() && s.inFlight == 0 ? null : s;
      }
    });
  }

  /** Forgets the key's failures (a successful login); attempts in flight still count. */
  public void reset(String key) {
    keys.computeIfPresent(key, (k, s) -> {
      synchronized (s) {
        s.failures.clear();
        return s.inFlight == 0 ? null : s;
      }
    });
  }

  public void sweep() {
    Instant now = clock.instant();
    for (String key : keys.keySet()) {
      keys.computeIfPresent(key, (k, s) -> {
        synchronized (s) {
          prune(s.failures, now);
          return s.failures.isEmpty() && s.inFlight == 0 ? null : s;
        }
      });
    }
  }

  private void prune(Deque<Instant> times, Instant now) {
    Instant horizon = now.minus(window);
    while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
      times.removeFirst();
    }
  }
}
