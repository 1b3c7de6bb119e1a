package dev.sessiond.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Followers of an event log held in this process, woken when an entry is appended, so that
 * {@code EventLog.await} answers at once instead of polling. Thread-safe.
 */
public final class LogWaiters {

  private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

  /** Completes on the next {@link #wake} or after {@code millis}, whichever comes first. */
  public synchronized CompletableFuture<Void> next(long millis) {
    waiting.removeIf(CompletableFuture::isDone);
    CompletableFuture<Void> f = new CompletableFuture<Void>().completeOnTimeout(null, Math.max(0, millis), TimeUnit.MILLISECONDS);
    waiting.add(f);
    return f;
  }

  /** Wakes every follower; call after an append is visible to readers. */
  public void wake() {
    List<CompletableFuture<Void>> now;
    synchronized (this) {
      if (waiting.isEmpty()) {
        return;
      }
      now = new ArrayList<>(waiting);
      waiting.clear();
    }
    now.forEach(f -> f.complete(null));
  }
}
