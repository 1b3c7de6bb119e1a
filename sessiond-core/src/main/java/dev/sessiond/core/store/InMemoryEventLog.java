package dev.sessiond.core.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * An event log in memory: entries numbered 1, 2, 3... (the ID is the number). The owning store
 * appends under the same lock as the change, so readers never see one without the other.
 * Thread-safe.
 */
public final class InMemoryEventLog implements EventLog {

  private final List<Event> entries = new ArrayList<>();
  /** The number of entries[0]. */
  private long first = 1;
  private final LogWaiters waiters = new LogWaiters();

  /** Appends {@code e} with the next number and returns it so numbered. */
  public Event append(Event e) {
    Event numbered;
    synchronized (this) {
      numbered = e.withId(Long.toString(first + entries.size()));
      entries.add(numbered);
    }
    waiters.wake();
    return numbered;
  }

  @Override
  public synchronized CompletionStage<List<Event>> read(EventQuery q) {
    int from;
    try {
      from = start(q.after());
    } catch (SessiondException.Invalid e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    List<Event> out = new ArrayList<>();
    for (int i = from; i < entries.size() && out.size() < q.limit(); i++) {
      Event e = entries.get(i);
      if (q.matches(e)) {
        out.add(e);
      }
    }
    return completedFuture(out);
  }

  @Override
  public CompletionStage<List<Event>> await(String after, Duration wait) {
    var next = waiters.next(wait.toMillis());
    List<Event> now = read(EventQuery.after(after, EventQuery.MAX_LIMIT)).toCompletableFuture().join();
    if (!now.isEmpty() || wait.isZero()) {
      next.complete(null);
      return completedFuture(now);
    }
    return next.thenCompose(ignored -> read(EventQuery.after(after, EventQuery.MAX_LIMIT)));
  }

  @Override
  public synchronized CompletionStage<Optional<String>> lastId() {
    return completedFuture(entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1).id()));
  }

  @Override
  public synchronized CompletionStage<Long> trim(Instant before) {
    int n = 0;
    while (n < entries.size() && entries.get(n).time().isBefore(before)) {
      n++;
    }
    entries.subList(0, n).clear();
    first += n;
    return completedFuture((long) n);
  }

  private int start(String after) {
    if (after == null) {
      return 0;
    }
    long seq = parse(after);
    return (int) Math.max(0, Math.min(entries.size(), seq - first + 1));
  }

  /** The number an ID of a numbered log stands for; Invalid when it is not one. */
  public static long parse(String id) {
    try {
      long seq = Long.parseLong(id);
      if (seq >= 0) {
        return seq;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new SessiondException.Invalid("not an event ID of this log: " + id);
  }
}
