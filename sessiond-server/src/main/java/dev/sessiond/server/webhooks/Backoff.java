package dev.sessiond.server.webhooks;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a webhook waits before its next attempt: about 1 s after the first failure, doubling
 * each time, capped at 5 minutes, each spread by ±20% so that nodes and URLs do not retry in step.
 * A receiver down for a day is thus tried about every 5 minutes all day long.
 */
public final class Backoff {

  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration CAP = Duration.ofMinutes(5);

  private Backoff() {}

  /** The pause after {@code failures} failed attempts in a row (1 or more). */
  public static Duration after(int failures, RandomGenerator random) {
    long base = FIRST.toMillis() << Math.min(Math.max(failures, 1) - 1, 20);
    long capped = Math.min(base, CAP.toMillis());
    double spread = 0.8 + 0.4 * random.nextDouble();
    return Duration.ofMillis(Math.round(capped * spread));
  }
}
