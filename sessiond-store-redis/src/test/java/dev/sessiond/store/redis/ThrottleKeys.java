package dev.sessiond.store.redis;

/** Waits for a throttle key to expire in Redis, which runs out its PX on its own clock. */
final class ThrottleKeys {

  private ThrottleKeys() {}

  static void awaitGone(RedisConnection redis, String key) throws InterruptedException {
    String name = RedisThrottleStore.key(key);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (redis.run("exists", c -> c.exists(name)).join() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " (" + key + ") still in Redis 10 s after its score fell to zero");
      }
      Thread.sleep(20);
    }
  }
}
