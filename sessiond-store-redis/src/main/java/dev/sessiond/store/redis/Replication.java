package dev.sessiond.store.redis;

import java.util.concurrent.CompletionStage;

/**
 * Changes that count only once {@code replicas} replicas hold them: each change goes through
 * {@code connection} (its own, so that WAIT, which blocks the connection it is sent on and covers
 * that connection's writes, holds up no read), and completes after a WAIT there confirms it, or
 * fails with {@code StoreUnavailable} (the change may or may not survive a failover; it is not
 * reported as done). The stores that wrap theirs in it: sessions, members, API keys.
 */
public record Replication(RedisConnection connection, int replicas) {

  public Replication {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be at least 1");
    }
    if (connection.isCluster()) {
      throw new IllegalArgumentException("one WAIT cannot speak for every shard of a Redis Cluster");
    }
  }

  /** {@code change}'s result, once the replicas hold it. */
  public <T> CompletionStage<T> after(String what, CompletionStage<T> change) {
    return change.thenCompose(result -> connection.awaitReplicas(what, replicas).thenApply(v -> result));
  }
}
