package dev.sessiond.server.webhooks;

import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every configured webhook URL's delivery on this node, driven by one scheduler thread: leases
 * are renewed every {@link #RENEW} (a dead node's URLs are taken over within {@link #LEASE} of
 * its last renewal). The node's log follower {@link #offer}s each event: a URL that is caught up
 * takes it as it is, one that is behind reads the log from its position (at the latest every
 * {@link #POLL} too). Closing it records each position and gives the leases up.
 */
public final class Webhooks implements AutoCloseable {

  /**
   * Requests in flight per URL at most (and so connections to its receiver), started in log order.
   * At 10 ms an answer, 16 keep up with 1,600 events a second; more would mostly cost the receiver
   * connections and a crash more repeats.
   */
  public static final int WINDOW = 16;
  static final Duration LEASE = Duration.ofSeconds(10);
  static final Duration RENEW = Duration.ofSeconds(3);
  static final Duration POLL = Duration.ofMillis(500);
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

  private final ScheduledThreadPoolExecutor thread;
  private final WebhookSender sender;
  private final List<WebhookDelivery> deliveries;
  /** The ID of the last event {@link #offer}ed; touched on the thread only. */
  private String followed;

  public Webhooks(List<WebhookTarget> targets, WebhookSigner signer, EventLog log, WebhookCursorStore cursors,
      String node, Clock clock, MeterRegistry registry, Vertx vertx) {
    this.thread = new ScheduledThreadPoolExecutor(1, daemon("sessiond-webhooks"));
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.sender = new WebhookSender(signer, vertx);
    WebhookMetrics metrics = new WebhookMetrics(registry);
    this.deliveries = targets.stream()
        .map(t -> new WebhookDelivery(t, node, log, cursors, sender, thread, clock, metrics)).toList();
  }

  /** Starts delivering; the stage completes once each URL's first lease attempt has been answered. */
  public CompletableFuture<Void> start() {
    CompletableFuture<Void> first = CompletableFuture.supplyAsync(() -> deliveries.stream()
            .map(d -> d.renew(LEASE).toCompletableFuture()).toArray(CompletableFuture[]::new), thread)
        .thenCompose(CompletableFuture::allOf);
    thread.scheduleWithFixedDelay(() -> deliveries.forEach(d -> d.renew(LEASE)),
        RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(() -> deliveries.forEach(WebhookDelivery::tick),
        POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    return first;
  }

  /**
   * The log's next event, as this node's follower reads it (every event once, in log order, from
   * the follower's start): delivered soon, without reading the log again when a URL is caught up.
   */
  public void offer(Event e) {
    try {
      thread.execute(() -> {
        String before = followed;
        followed = e.id();
        deliveries.forEach(d -> d.offer(before, e));
      });
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // closing
    }
  }

  /** Something was written to the log: deliver it soon rather than at the next poll. */
  public void nudge() {
    try {
      thread.execute(() -> deliveries.forEach(WebhookDelivery::nudge));
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // closing
    }
  }

  @Override
  public void close() {
    try {
      CompletableFuture.supplyAsync(() -> deliveries.stream().map(d -> d.close().toCompletableFuture())
              .toArray(CompletableFuture[]::new), thread)
          .thenCompose(CompletableFuture::allOf).get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("webhooks: could not give the leases up in time: {}", e.toString());
    }
    thread.shutdownNow();
    sender.close();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }
}
