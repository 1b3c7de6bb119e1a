package dev.sessiond.store.embedded;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.core.store.LogWaiters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The read side of the SQLite table {@code events} (see {@link EventTable}), which
 * {@link EmbeddedSessionStore} appends to in each change's transaction and wakes
 * {@code waiters} after. Thread-safe: all SQL runs on the store's {@link SqliteThread}.
 */
final class EmbeddedEventLog implements EventLog {

  private final SqliteThread sql;
  private final LogWaiters waiters;

  EmbeddedEventLog(SqliteThread sql, LogWaiters waiters) {
    this.sql = sql;
    this.waiters = waiters;
  }

  @Override
  public CompletionStage<List<Event>> read(EventQuery query) {
    if (query.after() != null) {
      try {
        EventTable.seq(query.after());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return sql.read("read the event log", c -> EventTable.read(c, query));
  }

  @Override
  public CompletionStage<Optional<String>> lastId() {
    return sql.read("read the event log", EventTable::lastId);
  }

  @Override
  public CompletionStage<List<Event>> await(String after, Duration wait) {
    var next = waiters.next(wait.toMillis());
    return read(EventQuery.after(after, EventQuery.MAX_LIMIT)).thenCompose(now -> {
      if (!now.isEmpty() || wait.isZero()) {
        next.complete(null);
        return completedFuture(now);
      }
      return next.thenCompose(ignored -> read(EventQuery.after(after, EventQuery.MAX_LIMIT)));
    });
  }

  @Override
  public CompletionStage<Long> trim(Instant before) {
    return sql.write("trim the event log", c -> EventTable.trimBatch(c, before), ignored -> {})
        .thenCompose(n -> n == 0 ? completedFuture(0L) : trim(before).thenApply(more -> n + more));
  }
}
