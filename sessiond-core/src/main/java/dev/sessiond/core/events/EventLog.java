package dev.sessiond.core.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The read side of the durable, ordered log of session changes. Entries are appended by the
 * store in the same transaction (or script) as the change they describe, so no acknowledged
 * change exists without its event. Every backend passes {@code EventLogContract}.
 */
public interface EventLog {

  /** Entries after {@code query.after()}, oldest first. Failures: {@code StoreUnavailable}. */
  CompletionStage<List<Event>> read(EventQuery query);

  /**
   * What names the event of ID {@code id} itself, the same in every read of it (a webhook's
   * {@code webhook-id}): the ID, unless the store's IDs are cursors that can name one entry in
   * several ways.
   */
  default String key(String id) {
    return id;
  }

  /** Removes entries older than {@code before}; returns how many (may be approximate on Redis). */
  CompletionStage<Long> trim(Instant before);

  /**
   * The ID of the newest entry; empty while the log is empty. This default reads the whole log;
   * stores override it with one lookup.
   */
  default CompletionStage<Optional<String>> lastId() {
    return lastAfter(null, Optional.empty());
  }

  private CompletionStage<Optional<String>> lastAfter(String after, Optional<String> last) {
    return read(EventQuery.after(after, EventQuery.MAX_LIMIT)).thenCompose(page -> page.isEmpty()
        ? CompletableFuture.completedFuture(last)
        : lastAfter(page.get(page.size() - 1).id(), Optional.of(page.get(page.size() - 1).id())));
  }

  /**
   * Up to {@link EventQuery#MAX_LIMIT} entries after {@code after} (null: from the oldest),
   * waiting up to {@code wait} for the first one to exist; an empty list when none came. Meant
   * for one follower per process (on Redis it blocks a dedicated connection). This default
   * polls; stores that can be woken by an append override it.
   */
  default CompletionStage<List<Event>> await(String after, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    return read(EventQuery.after(after, EventQuery.MAX_LIMIT)).thenCompose(found -> {
      long left = deadline - System.nanoTime();
      if (!found.isEmpty() || left <= 0) {
        return CompletableFuture.completedFuture(found);
      }
      long pause = Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100);
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS))
          .thenCompose(ignored -> await(after, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
    });
  }
}
