package dev.sessiond.core.throttle;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Throttle state in this process, for one node: the memory store, and the embedded one too
 * (one server per data directory, so nothing is shared; and a restart forgetting who failed
 * is harmless, as an attacker cannot restart the server, so it need not be on disk). Atomic per
 * key through {@link ConcurrentHashMap#compute}. Memory is bounded: every minute of the clock,
 * the next write drops the keys whose score has fallen to zero.
 */
public final class InMemoryThrottleStore implements ThrottleStore {

  private static final long SWEEP_EVERY_MS = 60_000;

  private record State(long d, long t) {}

  private final Clock clock;
  private final ConcurrentHashMap<String, State> keys = new ConcurrentHashMap<>();
  private volatile long nextSweep;

  public InMemoryThrottleStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public CompletionStage<Duration> attempt(String key, ThrottleRule rule) {
    long now = clock.millis();
    long[] wait = new long[1];
    keys.compute(key, (k, s) -> {
      State state = s == null || s.d <= now ? new State(now, now) : s;
      wait[0] = rule.waitMillis(state.d, state.t, now);
      return wait[0] > 0 ? s : new State(rule.counted(state.d, now), now);
    });
    sweepIfDue(now);
    return CompletableFuture.completedFuture(Duration.ofMillis(wait[0]));
  }

  @Override
  public CompletionStage<Void> refund(String key, ThrottleRule rule) {
    long now = clock.millis();
    keys.computeIfPresent(key, (k, s) -> {
      long d = s.d - rule.decayMillis();
      return d <= now ? null : new State(d, s.t);
    });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> forget(String key) {
    keys.remove(key);
    return CompletableFuture.completedFuture(null);
  }

  /** Drops every key whose score has fallen to zero. */
  public void sweep() {
    long now = clock.millis();
    keys.values().removeIf(s -> s.d <= now);
  }

  /** How many keys hold state (tests: memory stays bounded). */
  public int size() {
    return keys.size();
  }

  private void sweepIfDue(long now) {
    if (now >= nextSweep) {
      nextSweep = now + SWEEP_EVERY_MS;
      sweep();
    }
  }
}
