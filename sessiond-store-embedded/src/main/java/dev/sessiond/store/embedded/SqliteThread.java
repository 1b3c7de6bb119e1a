package dev.sessiond.store.embedded;

import dev.sessiond.core.SessiondException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that touches the SQLite connection. Writes are group-committed: whatever is
 * queued when the thread gets to it runs in one transaction (each in its own savepoint, so one
 * failure does not undo the others), then one COMMIT, then each write's after-commit effect
 * runs in order and its stage completes. Many concurrent writes thus cost one fsync.
 */
final class SqliteThread implements AutoCloseable {

  /** JDBC work on the connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private record Write<T>(Work<T> work, Consumer<T> afterCommit, CompletableFuture<T> done, String what) {}

  private static final Logger LOG = LoggerFactory.getLogger(SqliteThread.class);
  private final Connection connection;
  private final ScheduledExecutorService thread;
  private final ConcurrentLinkedQueue<Write<?>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();

  SqliteThread(Connection connection) {
    this.connection = connection;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sessiond-sqlite");
      t.setDaemon(true);
      return t;
    });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = executor;
  }

  /** Runs {@code work} in the next group commit; {@code afterCommit} sees its result once durable. */
  <T> CompletableFuture<T> write(String what, Work<T> work, Consumer<T> afterCommit) {
    CompletableFuture<T> done = new CompletableFuture<>();
    queue.add(new Write<>(work, afterCommit, done, what));
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        thread.execute(this::drain);
      } catch (RuntimeException e) {
        drainScheduled.set(false);
        done.completeExceptionally(unavailable(what, e));
      }
    }
    return done;
  }

  /** Runs {@code work} on the thread, outside any group commit (reads). */
  <T> CompletableFuture<T> read(String what, Work<T> work) {
    CompletableFuture<T> done = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        try {
          done.complete(work.run(connection));
        } catch (SQLException | RuntimeException e) {
          done.completeExceptionally(translate(what, e));
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(unavailable(what, e));
    }
    return done;
  }

  /** Runs {@code task} on the thread after the writes queued so far have completed their stages. */
  void afterwards(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();   // closed: nobody is waiting for an answer any more
    }
  }

  void every(long millis, Runnable task) {
    thread.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("periodic store task failed: {}", e.toString());
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void drain() {
    drainScheduled.set(false);
    List<Write<?>> batch = new ArrayList<>();
    for (Write<?> w; (w = queue.poll()) != null; ) {
      batch.add(w);
    }
    if (batch.isEmpty()) {
      return;
    }
    List<Object> results = new ArrayList<>(batch.size());
    List<Throwable> failures = new ArrayList<>(batch.size());
    try (Statement st = connection.createStatement()) {
      for (Write<?> w : batch) {
        st.execute("SAVEPOINT op");
        try {
          results.add(w.work().run(connection));
          failures.add(null);
          st.execute("RELEASE op");
        } catch (SQLException | RuntimeException e) {
          results.add(null);
          failures.add(translate(w.what(), e));
          st.execute("ROLLBACK TO op");
          st.execute("RELEASE op");
        }
      }
      connection.commit();
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is broken; every write below fails
      }
      for (Write<?> w : batch) {
        w.done().completeExceptionally(unavailable(w.what(), e));
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      finish(batch.get(i), results.get(i), failures.get(i));
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void finish(Write<T> w, Object result, Throwable failure) {
    if (failure != null) {
      w.done().completeExceptionally(failure);
      return;
    }
    try {
      w.afterCommit().accept((T) result);
      w.done().complete((T) result);
    } catch (RuntimeException e) {
      w.done().completeExceptionally(e);
    }
  }

  private static RuntimeException translate(String what, Exception e) {
    if (e instanceof SessiondException se) {
      return se;
    }
    return unavailable(what, e);
  }

  private static SessiondException.StoreUnavailable unavailable(String what, Exception e) {
    if (e instanceof java.util.concurrent.RejectedExecutionException) {
      // The thread's queue is unbounded: a refusal means the store was closed (a reader that
      // asked during shutdown), not a failure worth a warning.
      LOG.debug("store closed; could not {}", what);
      return new SessiondException.StoreUnavailable("the store is closed", e);
    }
    LOG.warn("store failed to {}: {}", what, e.toString());
    return new SessiondException.StoreUnavailable("store failed to " + what, e);
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
