package dev.sessiond.store.redis;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import dev.sessiond.core.store.SessionStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The session contract on a 3-master Redis Cluster. */
class RedisClusterSessionStoreTest extends SessionStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.cluster());
  }

  @Override
  protected SessionStore newStore(MutableClock clock) throws Exception {
    return new RedisSessionStore(SharedRedis.cluster(), clock);
  }
}
