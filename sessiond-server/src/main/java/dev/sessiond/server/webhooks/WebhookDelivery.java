package dev.sessiond.server.webhooks;

import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.core.webhooks.WebhookCursor;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook URL's delivery on this node. While the node holds the URL's lease, it reads the
 * log after the URL's durable position, POSTs each event in log order, retries the event at the
 * head with {@link Backoff} until the receiver acknowledges it (2xx), and moves the durable
 * position after each run of deliveries and before each pause. A crash thus repeats at most the
 * events of one read; a lost lease stops delivery at the next event. Its state is touched only
 * on the owner's one scheduler thread, and nothing here blocks.
 */
final class WebhookDelivery {

  /** The position before the first event: a URL added while the log was empty. */
  static final String FROM_OLDEST = "";
  static final int BATCH = 100;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

  private final WebhookTarget target;
  private final String node;
  private final EventLog log;
  private final WebhookCursorStore cursors;
  private final WebhookSender sender;
  private final ScheduledExecutorService thread;
  private final Clock clock;
  private final WebhookMetrics metrics;
  private final RandomGenerator random = RandomGenerator.getDefault();

  private final ArrayDeque<Event> queue = new ArrayDeque<>();
  private boolean leased;
  private long leasedUntilNanos;
  private String delivered;
  private String persisted;
  private boolean reading;
  private boolean readAgain;
  private boolean posting;
  private boolean persisting;
  private boolean closed;
  private int failures;
  private long notBeforeNanos;

  WebhookDelivery(WebhookTarget target, String node, EventLog log, WebhookCursorStore cursors, WebhookSender sender,
      ScheduledExecutorService thread, Clock clock, WebhookMetrics metrics) {
    this.target = target;
    this.node = node;
    this.log = log;
    this.cursors = cursors;
    this.sender = sender;
    this.thread = thread;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Takes or renews the lease; the stage completes (on the thread) once this node knows whether and from where it delivers. */
  CompletionStage<Void> renew(Duration ttl) {
    long asked = System.nanoTime();
    return cursors.lease(target.url(), node, ttl).handleAsync((cursor, failure) -> {
      if (failure != null) {
        LOG.warn("webhook {}: cannot renew the lease: {}", target, failure.getMessage());
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (cursor.isEmpty()) {
        if (leased) {
          lost();
        }
        return CompletableFuture.<Void>completedFuture(null);
      }
      // A lease that ran out here before this renewal may have been another node's meanwhile: start over from the store.
      boolean fresh = !leased || System.nanoTime() - leasedUntilNanos >= 0;
      leasedUntilNanos = asked + ttl.toNanos();
      return fresh && !closed ? taken(cursor.get()) : CompletableFuture.<Void>completedFuture(null);
    }, thread).thenCompose(stage -> stage);
  }

  private CompletionStage<Void> taken(WebhookCursor cursor) {
    leased = true;
    queue.clear();
    failures = 0;
    notBeforeNanos = 0;
    if (cursor.position() != null) {
      delivered = persisted = cursor.position();
      LOG.info("webhook {}: this node delivers, after event {}", target, cursor.position().isEmpty() ? "(none)" : cursor.position());
      pump();
      return CompletableFuture.completedFuture(null);
    }
    // A URL seen for the first time gets what happens from now on: it starts after the newest
    // event (or before the first, in an empty log), recorded before this node delivers anything.
    delivered = null;
    return log.lastId().thenCompose(last -> {
      String start = last.orElse(FROM_OLDEST);
      return cursors.advance(target.url(), node, start).thenApply(ok -> ok ? start : null);
    }).handleAsync((start, failure) -> {
      if (failure != null || start == null) {
        LOG.warn("webhook {}: cannot record where delivery starts{}", target, failure == null ? "" : ": " + failure.getMessage());
        leased = false;
        return null;
      }
      delivered = persisted = start;
      LOG.info("webhook {}: this node delivers, after event {} (new URL)", target, start.isEmpty() ? "(none)" : start);
      pump();
      return null;
    }, thread);
  }

  private void lost() {
    leased = false;
    queue.clear();
    delivered = persisted = null;
    LOG.info("webhook {}: another node delivers now", target);
  }

  /** A new event may exist: read on when idle. */
  void nudge() {
    if (reading) {
      readAgain = true;
    } else {
      pump();
    }
  }

  /** Moves on whatever is due: the next post, a read, a pending position. */
  void tick() {
    pump();
    persist();
  }

  private boolean delivering() {
    return leased && !closed && delivered != null && System.nanoTime() - leasedUntilNanos < 0;
  }

  private void pump() {
    if (!delivering() || posting || System.nanoTime() - notBeforeNanos < 0) {
      return;
    }
    if (queue.isEmpty()) {
      read();
    } else {
      post(queue.peek());
    }
  }

  private void read() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    readAgain = false;
    String after = delivered;
    log.read(EventQuery.after(after.isEmpty() ? null : after, BATCH)).whenCompleteAsync((events, failure) -> {
      reading = false;
      if (failure != null) {
        LOG.warn("webhook {}: cannot read the event log: {}", target, failure.getMessage());
        return;
      }
      if (!delivering() || !after.equals(delivered) || !queue.isEmpty()) {
        return;
      }
      queue.addAll(events);
      if (!events.isEmpty() || readAgain) {
        pump();
      } else {
        persist();
      }
    }, thread);
  }

  private void post(Event e) {
    posting = true;
    long timestamp = clock.instant().getEpochSecond();
    sender.post(target, e, timestamp).whenCompleteAsync((status, failure) -> {
      posting = false;
      if (closed || queue.peek() != e) {
        return;
      }
      if (failure == null && status / 100 == 2) {
        metrics.delivered(Duration.between(e.time(), clock.instant()));
        queue.poll();
        delivered = e.id();
        if (failures > 0) {
          LOG.info("webhook {}: event {} delivered after {} failed attempt(s)", target, e.id(), failures);
        }
        failures = 0;
        if (queue.isEmpty()) {
          persist();
        }
        pump();
        return;
      }
      if (failure == null) {
        metrics.rejected();
      } else {
        metrics.failed();
      }
      failures++;
      Duration pause = Backoff.after(failures, random);
      notBeforeNanos = System.nanoTime() + pause.toNanos();
      LOG.warn("webhook {}: event {} not delivered ({}), attempt {} failed; next in {} ms", target, e.id(),
          failure == null ? "HTTP " + status : describe(failure), failures, pause.toMillis());
      persist();
      thread.schedule(this::pump, pause.toMillis(), TimeUnit.MILLISECONDS);
    }, thread);
  }

  private void persist() {
    if (persisting || !leased || delivered == null || delivered.equals(persisted)) {
      return;
    }
    persisting = true;
    String position = delivered;
    cursors.advance(target.url(), node, position).whenCompleteAsync((ok, failure) -> {
      persisting = false;
      if (failure != null) {
        LOG.warn("webhook {}: cannot record the position: {}", target, failure.getMessage());
      } else if (ok) {
        if (leased) {
          persisted = position;
        }
      } else if (leased) {
        lost();
      }
    }, thread);
  }

  /** Stops delivering, records the position and gives the lease up, so another node takes over at once. */
  CompletionStage<Void> close() {
    closed = true;
    if (!leased) {
      return CompletableFuture.completedFuture(null);
    }
    CompletionStage<Boolean> saved = delivered != null && !delivered.equals(persisted)
        ? cursors.advance(target.url(), node, delivered)
        : CompletableFuture.completedFuture(true);
    return saved.handle((ok, failure) -> null).thenCompose(ignored -> cursors.release(target.url(), node));
  }

  private static String describe(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
