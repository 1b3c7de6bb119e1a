package dev.sessiond.store.redis;

import dev.sessiond.core.throttle.ThrottleStore;
import dev.sessiond.core.throttle.ThrottleStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The throttle contract on a 3-master Redis Cluster: each key on its own slot. */
class RedisClusterThrottleStoreTest extends ThrottleStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.cluster());
  }

  @Override
  protected ThrottleStore newStore() throws Exception {
    return new RedisThrottleStore(SharedRedis.cluster(), clock);
  }

  @Override
  protected void awaitDropped(String key) throws Exception {
    ThrottleKeys.awaitGone(SharedRedis.cluster(), key);
  }
}
