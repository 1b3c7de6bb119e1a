package dev.sessiond.server.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ceiling on a count of open things: in all, or per key (a user, a session). Thread-safe
 * without a lock of its own: the total is a compare-and-set loop, a key's count changes inside
 * {@link ConcurrentHashMap#compute}, atomic per key, and a key at zero is removed. A ceiling of
 * 0 refuses nothing; then only the total is still counted (for the metrics), not the keys.
 */
final class Cap {

  private final int max;
  private final AtomicInteger total;
  private final ConcurrentHashMap<String, Integer> perKey;

  private Cap(int max, boolean keyed) {
    if (max < 0) {
      throw new IllegalArgumentException("a limit is 0 (none) or more");
    }
    this.max = max;
    this.total = keyed ? null : new AtomicInteger();
    this.perKey = keyed && max > 0 ? new ConcurrentHashMap<>() : null;
  }

  static Cap inAll(int max) {
    return new Cap(max, false);
  }

  static Cap perKey(int max) {
    return new Cap(max, true);
  }

  int max() {
    return max;
  }

  /** Counts one more for {@code key} (ignored in all), or false, changing nothing, when that would pass the ceiling. */
  boolean tryTake(String key) {
    if (total != null) {
      if (max == 0) {
        total.incrementAndGet();
        return true;
      }
      int n;
      do {
        n = total.get();
        if (n >= max) {
          return false;
        }
      } while (!total.compareAndSet(n, n + 1));
      return true;
    }
    if (perKey == null) {
      return true;
    }
    boolean[] full = new boolean[1];
    perKey.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        full[0] = true;
        return n;
      }
      return now + 1;
    });
    return !full[0];
  }

  /** Counts one less for {@code key}: once for every {@link #tryTake} that answered true. */
  void give(String key) {
    if (total != null) {
      total.decrementAndGet();
    } else if (perKey != null) {
      perKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** What is counted now, for {@code key} (ignored in all); 0 when nothing is counted. */
  int count(String key) {
    if (total != null) {
      return total.get();
    }
    return perKey == null ? 0 : perKey.getOrDefault(key, 0);
  }
}
