package dev.sessiond.store.redis;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.PresenceStore;
import dev.sessiond.core.store.PresenceStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The presence contract on a standalone Redis. */
class RedisPresenceStoreTest extends PresenceStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
  }

  @Override
  protected PresenceStore newStore(MutableClock clock) throws Exception {
    return new RedisPresenceStore(SharedRedis.standalone(), clock);
  }
}
