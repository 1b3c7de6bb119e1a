package dev.sessiond.store.redis;

import dev.sessiond.core.throttle.ThrottleStore;
import dev.sessiond.core.throttle.ThrottleStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The throttle contract on a standalone Redis. */
class RedisThrottleStoreTest extends ThrottleStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
  }

  @Override
  protected ThrottleStore newStore() throws Exception {
    return new RedisThrottleStore(SharedRedis.standalone(), clock);
  }

  @Override
  protected void awaitDropped(String key) throws Exception {
    ThrottleKeys.awaitGone(SharedRedis.standalone(), key);
  }
}
