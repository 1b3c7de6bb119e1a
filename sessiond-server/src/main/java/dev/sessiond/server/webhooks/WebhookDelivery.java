package dev.sessiond.server.webhooks;

import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.core.webhooks.WebhookCursor;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook URL's delivery on this node. While the node holds the URL's lease, it reads the
 * log after the URL's durable position (once caught up, it takes the events the node's follower
 * has read anyway, without reading again) and POSTs the events in log order, up to
 * {@link Webhooks#WINDOW} at a time: an event's first attempt starts only once every earlier
 * event's has, and never {@code WINDOW} or more events past the oldest one not yet acknowledged.
 * The durable position moves only over the acknowledged prefix (every {@link Webhooks#POLL}, when
 * delivery pauses, and on close), so a crash repeats the events acknowledged since (and those in
 * flight), never skips one.
 *
 * <p>When an attempt fails, the URL pauses: no new first attempts; after {@link Backoff} only the
 * oldest unacknowledged event is tried again, until it is acknowledged; then the other failed
 * events are tried again at once and first attempts resume. A receiver that is down is thus asked
 * once per pause, not {@code WINDOW} times. A lost lease stops delivery; answers to requests of
 * an earlier run are ignored. State is touched only on the owner's one scheduler thread, and
 * nothing here blocks.
 */
final class WebhookDelivery {

  /** The position before the first event: a URL added while the log was empty. */
  static final String FROM_OLDEST = "";
  /** Events read from the log at a time. */
  static final int BATCH = 100;
  /** How long closing waits for answers, so that a clean stop repeats nothing. */
  static final Duration DRAIN = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

  /** An event between the durable position and the newest read one. */
  private static final class Slot {
    final Event event;
    boolean inFlight;
    boolean acknowledged;

    Slot(Event event) {
      this.event = event;
    }
  }

  private final WebhookTarget target;
  private final String node;
  private final EventLog log;
  private final WebhookCursorStore cursors;
  private final WebhookSender sender;
  private final ScheduledExecutorService thread;
  private final Clock clock;
  private final WebhookMetrics metrics;
  private final RandomGenerator random = RandomGenerator.getDefault();

  /** From the oldest unacknowledged event, in log order. */
  private final ArrayDeque<Slot> window = new ArrayDeque<>();
  /** Changes whenever delivery starts or stops: answers to an earlier run's requests are dropped. */
  private int run;
  private boolean leased;
  private long leasedUntilNanos;
  /** The last event of the acknowledged prefix; null while this node does not deliver. */
  private String delivered;
  private String persisted;
  private int inFlight;
  private boolean reading;
  /** The log may hold events after the window's tail that this delivery has not seen: read. */
  private boolean behind;
  private boolean persisting;
  private boolean closed;
  /** Failed retries in a row; above 0 the URL is paused and only {@link #probe} is tried. */
  private int failures;
  private Slot probe;
  private long notBeforeNanos;
  /** Completes when the last request in flight is answered, once closing. */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

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
          stop();
          LOG.info("webhook {}: another node delivers now", target);
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
    stop();
    leased = true;
    if (cursor.position() != null) {
      delivered = persisted = cursor.position();
      LOG.info("webhook {}: this node delivers, after event {}", target, cursor.position().isEmpty() ? "(none)" : cursor.position());
      pump();
      return CompletableFuture.completedFuture(null);
    }
    // A URL seen for the first time gets what happens from now on: it starts after the newest
    // event (or before the first, in an empty log), recorded before this node delivers anything.
    int started = run;
    return log.lastId().thenCompose(last -> {
      String start = last.orElse(FROM_OLDEST);
      return cursors.advance(target.url(), node, start).thenApply(ok -> ok ? start : null);
    }).handleAsync((start, failure) -> {
      if (started != run) {
        return null;
      }
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

  /** Forgets this node's run: the window, the pause, the position. */
  private void stop() {
    run++;
    leased = false;
    window.clear();
    inFlight = 0;
    failures = 0;
    probe = null;
    notBeforeNanos = 0;
    behind = true;
    delivered = persisted = null;
  }

  /** A new event may exist: read on when idle. */
  void nudge() {
    behind = true;
    pump();
  }

  /**
   * The log's next event {@code e}, written right after {@code before} (null: unknown), as this
   * node's follower reads it. When {@code before} is the window's tail, {@code e} joins the window
   * without a read of the log.
   */
  void offer(String before, Event e) {
    if (!behind && !reading && delivering() && before != null && window.size() < Webhooks.WINDOW + BATCH
        && before.equals(window.isEmpty() ? delivered : window.peekLast().event.id())) {
      window.add(new Slot(e));
    } else {
      behind = true;
    }
    pump();
  }

  /** Moves on whatever is due: the next attempts, a read (in case a nudge was missed), the durable position. */
  void tick() {
    behind = true;
    pump();
    persist();
  }

  private boolean delivering() {
    return leased && !closed && delivered != null && System.nanoTime() - leasedUntilNanos < 0;
  }

  /** Starts what may start now: the probe while paused; otherwise attempts within the window, and a read when it has room. */
  private void pump() {
    if (!delivering()) {
      return;
    }
    if (failures > 0) {
      if (inFlight == 0 && !reading && !window.isEmpty() && System.nanoTime() - notBeforeNanos >= 0) {
        retryHead();
      }
      return;
    }
    Iterator<Slot> slots = window.iterator();
    for (int i = 0; i < Webhooks.WINDOW && slots.hasNext(); i++) {
      Slot s = slots.next();
      if (!s.inFlight && !s.acknowledged) {
        send(s);
      }
    }
    if (behind && !reading && window.size() < Webhooks.WINDOW) {
      read();
    }
  }

  private void read() {
    reading = true;
    behind = false;
    int started = run;
    String after = window.isEmpty() ? delivered : window.peekLast().event.id();
    log.read(EventQuery.after(after.isEmpty() ? null : after, BATCH)).whenCompleteAsync((events, failure) -> {
      reading = false;
      if (failure != null) {
        behind = true;
        LOG.warn("webhook {}: cannot read the event log: {}", target, failure.getMessage());
        return;
      }
      if (started == run) {
        events.forEach(e -> window.add(new Slot(e)));
        behind |= events.size() == BATCH;
      }
      pump();
    }, thread);
  }

  /**
   * While paused: tries the oldest unacknowledged event again if the log still holds it; one
   * trimmed meanwhile (past {@code --event-retention}) is skipped, and the window read again.
   */
  private void retryHead() {
    reading = true;
    int started = run;
    Slot head = window.peek();
    log.read(EventQuery.after(delivered.isEmpty() ? null : delivered, 1)).whenCompleteAsync((events, failure) -> {
      reading = false;
      if (started != run || failures == 0 || window.peek() != head) {
        pump();
      } else if (failure != null) {
        LOG.warn("webhook {}: cannot read the event log: {}", target, failure.getMessage());
      } else if (!events.isEmpty() && events.get(0).id().equals(head.event.id())) {
        probe = head;
        send(head);
      } else {
        LOG.warn("webhook {}: event {} left the log before it was delivered; skipped", target, head.event.id());
        window.clear();
        failures = 0;
        probe = null;
        behind = true;
        pump();
      }
    }, thread);
  }

  private void send(Slot s) {
    s.inFlight = true;
    inFlight++;
    int started = run;
    sender.post(target, s.event, log.key(s.event.id()), clock.instant().getEpochSecond()).whenCompleteAsync((status, failure) -> {
      if (started != run) {
        return;
      }
      s.inFlight = false;
      inFlight--;
      if (failure == null && status / 100 == 2) {
        acknowledged(s);
      } else {
        failed(s, status, failure);
      }
      if (closed && inFlight == 0) {
        drained.complete(null);
      }
      pump();
    }, thread);
  }

  private void acknowledged(Slot s) {
    metrics.delivered(Duration.between(s.event.time(), clock.instant()));
    s.acknowledged = true;
    if (s == probe) {
      LOG.info("webhook {}: event {} delivered after {} failed attempt(s); resuming", target, s.event.id(), failures);
      probe = null;
      failures = 0;
    }
    while (!window.isEmpty() && window.peek().acknowledged) {
      delivered = window.poll().event.id();
    }
  }

  private void failed(Slot s, int status, Throwable failure) {
    if (failure == null) {
      metrics.rejected();
    } else {
      metrics.failed();
    }
    // Answers to attempts started before the pause do not lengthen it: only the probe's do.
    if (failures > 0 && s != probe) {
      return;
    }
    failures++;
    probe = null;
    Duration pause = Backoff.after(failures, random);
    notBeforeNanos = System.nanoTime() + pause.toNanos();
    LOG.warn("webhook {}: event {} not delivered ({}), attempt {} failed; pausing, next in {} ms", target, s.event.id(),
        failure == null ? "HTTP " + status : describe(failure), failures, pause.toMillis());
    persist();
    thread.schedule(this::pump, pause.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void persist() {
    if (persisting || !leased || delivered == null || delivered.equals(persisted)) {
      return;
    }
    persisting = true;
    String position = delivered;
    int started = run;
    cursors.advance(target.url(), node, position).whenCompleteAsync((ok, failure) -> {
      persisting = false;
      if (started != run) {
        return;
      }
      if (failure != null) {
        LOG.warn("webhook {}: cannot record the position: {}", target, failure.getMessage());
      } else if (ok) {
        persisted = position;
      } else {
        stop();
        LOG.info("webhook {}: another node delivers now", target);
      }
    }, thread);
  }

  /**
   * Stops delivering, waits up to {@link #DRAIN} for the answers to the requests in flight, records
   * the position and gives the lease up, so another node takes over at once.
   */
  CompletionStage<Void> close() {
    closed = true;
    if (!leased) {
      return CompletableFuture.completedFuture(null);
    }
    if (inFlight == 0) {
      drained.complete(null);
    }
    return drained.completeOnTimeout(null, DRAIN.toMillis(), TimeUnit.MILLISECONDS).thenComposeAsync(ignored -> {
      CompletionStage<Boolean> saved = leased && delivered != null && !delivered.equals(persisted)
          ? cursors.advance(target.url(), node, delivered)
          : CompletableFuture.completedFuture(true);
      return saved.handle((ok, failure) -> null).thenCompose(done -> cursors.release(target.url(), node));
    }, thread);
  }

  private static String describe(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
