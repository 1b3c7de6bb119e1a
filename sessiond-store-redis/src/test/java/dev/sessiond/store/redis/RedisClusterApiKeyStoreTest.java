package dev.sessiond.store.redis;

import dev.sessiond.core.keys.ApiKeyStore;
import dev.sessiond.core.keys.ApiKeyStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The API key contract on a 3-master Redis Cluster. */
class RedisClusterApiKeyStoreTest extends ApiKeyStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.cluster());
  }

  @Override
  protected ApiKeyStore store() {
    try {
      return new RedisApiKeyStore(SharedRedis.cluster());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
