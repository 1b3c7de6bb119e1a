package dev.sessiond.store.redis;

import dev.sessiond.core.identity.IdentityStore;
import dev.sessiond.core.identity.IdentityStoreContract;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;

/** The identity store contract on a standalone Redis. */
class RedisIdentityStoreTest extends IdentityStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
  }

  @Override
  protected IdentityStore store() {
    try {
      return new RedisIdentityStore(SharedRedis.standalone(), Clock.systemUTC());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
