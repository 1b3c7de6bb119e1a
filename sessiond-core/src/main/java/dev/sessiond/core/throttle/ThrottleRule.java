package dev.sessiond.core.throttle;

import java.time.Duration;

/**
 * How one throttle key slows what it counts: a leaky bucket whose overflow waits a doubling
 * delay. Each counted attempt adds one to the key's score, which falls by one every
 * {@code decay}, continuously. While the score leaves room for one more under {@code free} (it
 * is at most {@code free - 1}), an attempt goes through at once. When it does not, the attempt
 * waits after the key's last counted attempt {@code base}, doubled for each whole point the score
 * then stood above {@code free}, at most {@code cap}; or until the score makes room, if that is
 * sooner. An attempt refused counts nothing and moves nothing. So a burst of {@code free} passes,
 * then waits of {@code base}, {@code base}, twice, four times..., and who keeps trying settles at
 * about one attempt per {@code decay}, the rate at which the key forgets.
 *
 * <p>The state is two instants in milliseconds: {@code d}, when the score will have fallen to
 * zero ({@code score = (d - now) / decay}), and {@code t}, the last counted attempt. Every
 * {@link ThrottleStore} applies {@link #waitMillis} and {@link #counted} to them, the Redis store
 * in Lua with the same integer arithmetic.
 */
public record ThrottleRule(int free, Duration decay, Duration base, Duration cap) {

  public ThrottleRule {
    if (free < 1) {
      throw new IllegalArgumentException("free must be 1 or more");
    }
    if (decay.toMillis() < 1 || base.toMillis() < 1 || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("decay and base must be 1 ms or more, and cap at least base");
    }
  }

  public long decayMillis() {
    return decay.toMillis();
  }

  /** Milliseconds until the key with state {@code (d, t)} lets an attempt in; 0 when it does now. */
  public long waitMillis(long d, long t, long now) {
    long decayMs = decay.toMillis();
    long bound = (free - 1) * decayMs;
    if (d - now <= bound) {
      return 0;
    }
    long above = Math.max(0, Math.floorDiv(d - t, decayMs) - free);
    long capMs = cap.toMillis();
    long wait = above >= 40 || base.toMillis() > capMs >> above ? capMs : base.toMillis() << above;
    long elapsed = Math.max(0, now - t);
    if (elapsed >= wait) {
      return 0;
    }
    return Math.min(wait - elapsed, d - now - bound);
  }

  /** {@code d} after one more counted attempt at {@code now}. */
  public long counted(long d, long now) {
    return Math.max(d, now) + decay.toMillis();
  }
}
