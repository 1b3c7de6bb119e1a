package dev.sessiond.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per key (a username, a client IP) in a sliding window and refuses a key
 * that reached its limit until its oldest failure leaves the window. Thread-safe. Memory is
 * bounded by {@link #sweep}, which drops keys with no failure left in the window.
 */
public final class LoginThrottle {

  private final Clock clock;
  private final Duration window;
  private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  public LoginThrottle(Clock clock, Duration window) {
    this.clock = clock;
    this.window = window;
  }

  /** Throws RateLimited if {@code key} already failed {@code limit} times in the window. */
  public void check(String key, int limit) {
    Deque<Instant> times = failures.get(key);
    if (times == null) {
      return;
    }
    Instant now = clock.instant();
    synchronized (times) {
      prune(times, now);
      if (times.size() >= limit) {
        Duration wait = Duration.between(now, times.peekFirst().plus(window));
        throw new SessiondException.RateLimited("too many failed logins, try again later",
            wait.isNegative() ? Duration.ofSeconds(1) : wait);
      }
    }
  }

  public void fail(String key) {
    Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    Instant now = clock.instant();
    synchronized (times) {
      prune(times, now);
      if (times.size() < 1000) {
        times.addLast(now);
      }
    }
  }

  public void reset(String key) {
    failures.remove(key);
  }

  public void sweep() {
    Instant now = clock.instant();
    failures.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        prune(e.getValue(), now);
        return e.getValue().isEmpty();
      }
    });
  }

  private void prune(Deque<Instant> times, Instant now) {
    Instant horizon = now.minus(window);
    while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
      times.removeFirst();
    }
  }
}
