package dev.sessiond.store.redis;

import dev.sessiond.core.store.EventLogContract;
import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import org.junit.jupiter.api.AfterEach;

/** The event log contract on a standalone Redis. */
class RedisEventLogTest extends EventLogContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
  }

  @Override
  protected SessionStore newStore(MutableClock clock) throws Exception {
    return new RedisSessionStore(SharedRedis.standalone(), clock);
  }
}
