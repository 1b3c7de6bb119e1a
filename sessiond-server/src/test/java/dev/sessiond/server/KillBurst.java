package dev.sessiond.server;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writers that call a server from several threads until it is SIGKILLed in the middle of it.
 * A writer ends quietly only when its request lost the connection after the kill began; any
 * other failure (an unexpected status, a 5xx, a connection lost before the kill) ends that
 * writer and is thrown on the test's thread by {@link #kill}, with its message.
 */
final class KillBurst {

  /** One write; throws (an AssertionError from {@link Api}, say) on anything it did not expect. */
  interface Write {
    void run() throws Exception;
  }

  private final AtomicBoolean killing = new AtomicBoolean();
  private final AtomicInteger writes = new AtomicInteger();
  private final ExecutorService threads;
  private final List<Future<?>> writers = new ArrayList<>();

  private KillBurst(int threads, Write write) {
    this.threads = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      writers.add(this.threads.submit(() -> {
        while (!killing.get()) {
          try {
            write.run();
          } catch (AssertionError e) {
            if (killing.get() && e.getCause() instanceof IOException) {
              return null;   // the kill broke this request's connection
            }
            throw e;
          }
          writes.incrementAndGet();
        }
        return null;
      }));
    }
  }

  static KillBurst start(int threads, Write write) {
    return new KillBurst(threads, write);
  }

  /**
   * Waits until the writers have made {@code count} writes, so that the kill lands in the middle
   * of a burst on a busy machine too; returns early when a writer failed (then {@link #kill}
   * reports it).
   */
  void awaitWrites(int count, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (writes.get() < count && writers.stream().noneMatch(Future::isDone)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the burst made " + writes.get() + " of " + count + " writes in " + within);
      }
      Thread.sleep(5);
    }
  }

  int writes() {
    return writes.get();
  }

  /** SIGKILLs {@code server}, waits for every writer and throws the first failure of one (the others suppressed). */
  void kill(ServerProcess server) throws InterruptedException {
    killing.set(true);
    server.kill();
    threads.shutdown();
    if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
      threads.shutdownNow();
      throw new AssertionError("the writers did not stop within 30 s of the kill");
    }
    AssertionError failed = null;
    for (Future<?> w : writers) {
      try {
        w.get();
      } catch (ExecutionException e) {
        if (failed == null) {
          failed = new AssertionError("a writer failed, and not by the kill: " + e.getCause(), e.getCause());
        } else {
          failed.addSuppressed(e.getCause());
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
