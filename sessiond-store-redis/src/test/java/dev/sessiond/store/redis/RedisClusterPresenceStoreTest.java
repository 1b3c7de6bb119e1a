package dev.sessiond.store.redis;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.PresenceStore;
import dev.sessiond.core.store.PresenceStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The presence contract on a Redis Cluster. */
class RedisClusterPresenceStoreTest extends PresenceStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.cluster());
  }

  @Override
  protected PresenceStore newStore(MutableClock clock) throws Exception {
    return new RedisPresenceStore(SharedRedis.cluster(), clock);
  }
}
