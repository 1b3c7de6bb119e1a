package dev.sessiond.store.redis;

import dev.sessiond.core.webhooks.WebhookCursorStore;
import dev.sessiond.core.webhooks.WebhookCursorStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The webhook cursor contract on a 3-master Redis Cluster; leases run out on Redis's own clock. */
class RedisClusterWebhookCursorStoreTest extends WebhookCursorStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.cluster());
  }

  @Override
  protected WebhookCursorStore newStore() throws Exception {
    return new RedisWebhookCursorStore(SharedRedis.cluster());
  }

  @Override
  protected void elapse(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
