package dev.sessiond.core.webhooks;

import dev.sessiond.core.store.MutableClock;
import java.time.Duration;
import java.time.Instant;

class InMemoryWebhookCursorStoreTest extends WebhookCursorStoreContract {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));

  @Override
  protected WebhookCursorStore newStore() {
    return new InMemoryWebhookCursorStore(clock);
  }

  @Override
  protected void elapse(Duration d) {
    clock.advance(d);
  }
}
