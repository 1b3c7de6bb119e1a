package dev.sessiond.store.embedded;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import dev.sessiond.core.webhooks.WebhookCursorStoreContract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedWebhookCursorStoreTest extends WebhookCursorStoreContract {

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));
  private EmbeddedStore embedded;

  @Override
  protected WebhookCursorStore newStore() {
    embedded = EmbeddedStore.open(dir, clock);
    return embedded.webhookCursors();
  }

  @Override
  protected void elapse(Duration d) {
    clock.advance(d);
  }

  @AfterEach
  void closeEmbedded() {
    embedded.close();
  }

  @Test
  void thePositionOutlivesAReopen() {
    store.lease("http://127.0.0.1:9/a", "node-a", TTL).toCompletableFuture().join();
    store.advance("http://127.0.0.1:9/a", "node-a", "12").toCompletableFuture().join();
    embedded.close();
    embedded = EmbeddedStore.open(dir, clock);
    clock.advance(TTL.multipliedBy(2));
    assertThat(embedded.webhookCursors().lease("http://127.0.0.1:9/a", "node-b", TTL).toCompletableFuture().join()
        .orElseThrow().position()).isEqualTo("12");
  }
}
