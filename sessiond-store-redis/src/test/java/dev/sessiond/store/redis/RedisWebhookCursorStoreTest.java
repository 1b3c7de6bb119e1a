package dev.sessiond.store.redis;

import dev.sessiond.core.webhooks.WebhookCursorStore;
import dev.sessiond.core.webhooks.WebhookCursorStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The webhook cursor contract on a standalone Redis; leases run out on Redis's own clock. */
class RedisWebhookCursorStoreTest extends WebhookCursorStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
  }

  @Override
  protected WebhookCursorStore newStore() throws Exception {
    return new RedisWebhookCursorStore(SharedRedis.standalone());
  }

  @Override
  protected void elapse(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
