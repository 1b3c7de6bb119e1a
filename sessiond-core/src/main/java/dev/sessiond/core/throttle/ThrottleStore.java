package dev.sessiond.core.throttle;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where throttle keys keep their state ({@link ThrottleRule}), shared by every node that shares
 * the store. Each call is atomic for its key: attempts sent at once cannot pass a key's rule
 * between its read and its write. A key's state is dropped once its score has fallen to zero;
 * a key never seen and a key forgotten are the same. Times come from the store's clock.
 */
public interface ThrottleStore {

  /**
   * Counts one attempt on {@code key} if {@code rule} lets it in now, and answers
   * {@link Duration#ZERO}; otherwise counts nothing and answers how long until it would.
   */
  CompletionStage<Duration> attempt(String key, ThrottleRule rule);

  /** Takes back one counted attempt (its time stays the key's last); nothing held is a no-op. */
  CompletionStage<Void> refund(String key, ThrottleRule rule);

  /** Forgets the key. */
  CompletionStage<Void> forget(String key);
}
