package dev.sessiond.store.redis;

import dev.sessiond.core.keys.ApiKeyStore;
import dev.sessiond.core.keys.ApiKeyStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The API key contract on a standalone Redis. */
class RedisApiKeyStoreTest extends ApiKeyStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
  }

  @Override
  protected ApiKeyStore store() {
    try {
      return new RedisApiKeyStore(SharedRedis.standalone());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
