package dev.sessiond.server.events;

import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's one follower of the event log: from the newest entry at start, it hands every
 * later entry, in log order and once, to its listeners (the live connections), and wakes the
 * readers waiting for something newer (long polls, event streams). When the store cannot be
 * reached (a lost link to Redis), it keeps its position and asks again every
 * {@link #RETRY}, so that what was written meanwhile (by any node) arrives as soon as the link
 * is back. Listeners run on one Vert.x context, one entry at a time; they must not block.
 */
public final class EventFeed implements AutoCloseable {

  static final Duration RETRY = Duration.ofMillis(250);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);

  private final EventLog log;
  private final Vertx vertx;
  private final Context context;
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> waiting = new ArrayList<>();
  private volatile String position;
  private volatile boolean closed;
  private volatile boolean failing;
  private volatile boolean started;

  public EventFeed(EventLog log, Vertx vertx) {
    this.log = log;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
  }

  /** Listeners see every entry appended after {@link #start}, in order. */
  public void subscribe(Consumer<Event> listener) {
    listeners.add(listener);
  }

  /**
   * Runs {@code wake} once, on the feed's context, after the next entry the feed hands on (or
   * at once if the feed is closed). Register before reading the log, then read again when woken:
   * nothing appended in between is missed.
   */
  public void onNext(Runnable wake) {
    synchronized (waiting) {
      if (!closed) {
        waiting.add(wake);
        return;
      }
    }
    wake.run();
  }

  /**
   * True while this node follows the log: it has its position and its last read of the store
   * succeeded. An event stream's keep-alive is sent only then, so that a follower downstream
   * (the Java client) stops trusting its cache when this node cannot see new entries.
   */
  public boolean following() {
    return started && !failing && !closed;
  }

  /** Forgets a waiter that is no longer interested (its request ended). */
  public void cancel(Runnable wake) {
    synchronized (waiting) {
      waiting.remove(wake);
    }
  }

  public void start() {
    context.runOnContext(v -> begin());
  }

  private void begin() {
    if (closed) {
      return;
    }
    log.lastId().whenComplete((last, e) -> context.runOnContext(v -> {
      if (e != null) {
        trouble(e);
        vertx.setTimer(RETRY.toMillis(), t -> begin());
        return;
      }
      position = last.orElse(null);
      started = true;
      next();
    }));
  }

  private void next() {
    if (closed) {
      return;
    }
    log.await(position, WAIT).whenComplete((events, e) -> context.runOnContext(v -> {
      if (e != null) {
        trouble(e);
        vertx.setTimer(RETRY.toMillis(), t -> next());
        return;
      }
      if (failing) {
        failing = false;
        LOG.info("following the event log again from {}", position);
      }
      for (Event event : events) {
        position = event.id();
        for (Consumer<Event> l : listeners) {
          try {
            l.accept(event);
          } catch (RuntimeException ex) {
            LOG.warn("an event listener failed on {} {}: {}", event.type().wire(), event.id(), ex.toString());
          }
        }
      }
      if (!events.isEmpty()) {
        wakeAll();
      }
      next();
    }));
  }

  private void wakeAll() {
    List<Runnable> now;
    synchronized (waiting) {
      now = new ArrayList<>(waiting);
      waiting.clear();
    }
    now.forEach(Runnable::run);
  }

  private void trouble(Throwable e) {
    if (!failing) {
      failing = true;
      LOG.warn("cannot follow the event log (will resume from {}): {}", position, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    context.runOnContext(v -> wakeAll());
  }
}
