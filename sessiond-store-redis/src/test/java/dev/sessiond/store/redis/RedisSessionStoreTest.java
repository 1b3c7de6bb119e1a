package dev.sessiond.store.redis;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import dev.sessiond.core.store.SessionStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The session contract on a standalone Redis. */
class RedisSessionStoreTest extends SessionStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
  }

  @Override
  protected SessionStore newStore(MutableClock clock) throws Exception {
    return new RedisSessionStore(SharedRedis.standalone(), clock);
  }
}
