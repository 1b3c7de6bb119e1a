package dev.sessiond.core.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Cursors in this process's memory, for {@code --store memory}: lost on exit, like the log. Thread-safe. */
public final class InMemoryWebhookCursorStore implements WebhookCursorStore {

  private record Entry(String holder, Instant until, String position) {}

  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();

  public InMemoryWebhookCursorStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized CompletionStage<Optional<WebhookCursor>> lease(String url, String node, Duration ttl) {
    Instant now = clock.instant();
    Entry e = entries.get(url);
    if (e != null && e.holder() != null && !e.holder().equals(node) && e.until().isAfter(now)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String position = e == null ? null : e.position();
    entries.put(url, new Entry(node, now.plus(ttl), position));
    return CompletableFuture.completedFuture(Optional.of(new WebhookCursor(url, position)));
  }

  @Override
  public synchronized CompletionStage<Boolean> advance(String url, String node, String position) {
    Entry e = entries.get(url);
    if (e == null || !node.equals(e.holder()) || !e.until().isAfter(clock.instant())) {
      return CompletableFuture.completedFuture(false);
    }
    entries.put(url, new Entry(e.holder(), e.until(), position));
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletionStage<Void> release(String url, String node) {
    Entry e = entries.get(url);
    if (e != null && node.equals(e.holder())) {
      entries.put(url, new Entry(null, Instant.EPOCH, e.position()));
    }
    return CompletableFuture.completedFuture(null);
  }
}
