package dev.sessiond.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.webhooks.InMemoryWebhookCursorStore;
import dev.sessiond.core.webhooks.WebhookCursor;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import dev.sessiond.server.WebhookReceiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delivery alone, against a real receiver: order, retries, the durable position, one deliverer. */
class WebhookDeliveryIT {

  private final ListEventLog log = new ListEventLog();
  private final WebhookCursorStore cursors = new InMemoryWebhookCursorStore(Clock.systemUTC());
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Vertx vertx = Vertx.vertx();
  private WebhookReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = WebhookReceiver.start();
  }

  @AfterEach
  void stopReceiver() throws Exception {
    receiver.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Webhooks webhooks(String node) throws Exception {
    Webhooks w = new Webhooks(List.of(WebhookTarget.parse(receiver.url())), new WebhookSigner(WebhookReceiver.SECRET),
        log, cursors, node, Clock.systemUTC(), registry, vertx);
    w.start().get(10, TimeUnit.SECONDS);
    return w;
  }

  /**
   * Waits until the receiver was tried {@code n} times, accepted or not; fails saying so after 60 s
   * (a loaded machine was seen to take 15 s for the first answers of a new deliverer to come back).
   */
  private void awaitAttempts(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (receiver.attempts() < n) {
      assertThat(System.nanoTime()).as("the receiver was never tried %d times within 60 s (%d attempt(s))", n, receiver.attempts())
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aReceiverThatFailsForAWhileGetsEveryEventInOrderSignedOnceItRecovers() throws Exception {
    log.append("before-the-url-was-added");
    receiver.failFor(Duration.ofSeconds(60));
    try (Webhooks w = webhooks("node-a")) {
      for (int i = 0; i < 30; i++) {
        log.append("user-" + i);
        w.nudge();
      }
      // The receiver recovers once a refused event was tried again, however slow the machine:
      // with the position held, the attempt after a window's worth of them is a retry.
      awaitAttempts(Webhooks.WINDOW + 1);
      receiver.failFor(Duration.ZERO);
      receiver.await(r -> r.acceptedIds().size() == 30, Duration.ofSeconds(20));
      for (int i = 0; i < 10; i++) {
        log.append("later-" + i);
        w.nudge();
      }
      receiver.await(r -> r.acceptedIds().size() == 40, Duration.ofSeconds(5));
    }
    assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(log.ids().subList(1, 41));
    receiver.assertFirstAttemptsInLogOrder(log.ids().subList(1, 41), Webhooks.WINDOW);
    assertThat(receiver.badSignatures()).isZero();
    assertThat(receiver.attempts()).isGreaterThan(40);
    assertThat(receiver.accepted().get(0).event().get("type").asText()).isEqualTo("session.created");
    assertThat(receiver.accepted().get(0).event().get("user_id").asText()).isEqualTo("user-0");
    assertThat(receiver.accepted().get(0).event().get("actor").get("type").asText()).isEqualTo("api_token");
    String metrics = registry.scrape();
    assertThat(metrics).contains("sessiond_webhook_deliveries_total{outcome=\"delivered\"} 40.0");
    assertThat(metrics).containsPattern("sessiond_webhook_deliveries_total\\{outcome=\"rejected\"} [1-9]");
    assertThat(metrics).contains("sessiond_webhook_delivery_lag_seconds_count 40");
  }

  @Test
  void deliveryResumesFromTheDurablePositionWithoutStartingOver() throws Exception {
    try (Webhooks w = webhooks("node-a")) {
      for (int i = 0; i < 5; i++) {
        log.append("first-" + i);
      }
      w.nudge();
      receiver.await(r -> r.acceptedIds().size() == 5, Duration.ofSeconds(10));
    }
    for (int i = 0; i < 5; i++) {
      log.append("second-" + i);
    }
    try (Webhooks w = webhooks("node-b")) {
      w.nudge();
      receiver.await(r -> r.acceptedIds().size() == 10, Duration.ofSeconds(10));
    }
    assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(log.ids());
    receiver.assertFirstAttemptsInLogOrder(log.ids(), Webhooks.WINDOW);
    assertThat(receiver.accepted()).hasSize(10);
  }

  @Test
  void withTwoNodesOnOneStoreOneDeliversAndTheOtherTakesOverWhenItStops() throws Exception {
    Webhooks a = webhooks("node-a");
    try (Webhooks b = webhooks("node-b")) {
      for (int i = 0; i < 20; i++) {
        log.append("two-" + i);
        a.nudge();
        b.nudge();
      }
      receiver.await(r -> r.acceptedIds().size() == 20, Duration.ofSeconds(10));
      a.close();
      for (int i = 0; i < 20; i++) {
        log.append("two-later-" + i);
        b.nudge();
      }
      receiver.await(r -> r.acceptedIds().size() == 40, Duration.ofSeconds(15));
    }
    assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(log.ids());
    receiver.assertFirstAttemptsInLogOrder(log.ids(), Webhooks.WINDOW);
    assertThat(receiver.accepted()).hasSize(40);
  }

  @Test
  void severalEventsAreInFlightAtOnceAndThePositionNeverPassesAnUnacknowledgedOne() throws Exception {
    List<String> saved = new CopyOnWriteArrayList<>();
    WebhookCursorStore recording = new WebhookCursorStore() {
      @Override
      public CompletionStage<Optional<WebhookCursor>> lease(String url, String node, Duration ttl) {
        return cursors.lease(url, node, ttl);
      }

      @Override
      public CompletionStage<Boolean> advance(String url, String node, String position) {
        saved.add(position);
        return cursors.advance(url, node, position);
      }

      @Override
      public CompletionStage<Void> release(String url, String node) {
        return cursors.release(url, node);
      }
    };
    receiver.hold("1");
    Webhooks a = new Webhooks(List.of(WebhookTarget.parse(receiver.url())), new WebhookSigner(WebhookReceiver.SECRET),
        log, recording, "node-a", Clock.systemUTC(), registry, vertx);
    a.start().get(10, TimeUnit.SECONDS);
    int events = Webhooks.WINDOW + 24;
    for (int i = 0; i < events; i++) {
      log.append("window-" + i);
      a.nudge();
    }
    // Event 1 is held; the ones after it within the window are acknowledged meanwhile, none beyond it is tried.
    receiver.await(r -> r.acceptedIds().size() == Webhooks.WINDOW - 1, Duration.ofSeconds(10));
    Thread.sleep(2 * Webhooks.POLL.toMillis() + 200);
    assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(log.ids().subList(1, Webhooks.WINDOW));
    assertThat(receiver.firstAttemptIds()).containsExactlyInAnyOrderElementsOf(log.ids().subList(0, Webhooks.WINDOW));
    assertThat(receiver.mostInFlight()).isGreaterThan(1);
    assertThat(saved).containsOnly(WebhookDelivery.FROM_OLDEST);

    // The node stops now; the next one starts from the durable position, so event 1 is not lost.
    a.close();
    receiver.release();
    try (Webhooks b = webhooks("node-b")) {
      b.nudge();
      receiver.await(r -> r.acceptedIds().size() == events, Duration.ofSeconds(15));
    }
    assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(log.ids());
    receiver.assertFirstAttemptsInLogOrder(log.ids(), Webhooks.WINDOW);
    assertThat(cursors.lease(receiver.url(), "observer", Duration.ofSeconds(1)).toCompletableFuture().get())
        .map(WebhookCursor::position).contains(Integer.toString(events));
  }

  @Test
  void anEventTrimmedFromTheLogWhileItsUrlFailsIsSkippedAndTheNextOnesAreDelivered() throws Exception {
    receiver.failFor(Duration.ofSeconds(60));
    try (Webhooks w = webhooks("node-a")) {
      for (int i = 0; i < 3; i++) {
        log.append("trimmed-" + i);
        w.nudge();
      }
      awaitAttempts(2);
      log.trimOldest(1);
      receiver.failFor(Duration.ZERO);
      receiver.await(r -> r.acceptedIds().size() == 2, Duration.ofSeconds(15));
    }
    assertThat(receiver.acceptedIds()).containsExactlyInAnyOrder("2", "3");
  }
}
