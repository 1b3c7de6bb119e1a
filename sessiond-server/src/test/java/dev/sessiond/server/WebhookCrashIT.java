package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.webhooks.Webhooks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL in the middle of deliveries: after a restart every event still reaches the receiver, in order. */
class WebhookCrashIT {

  @Test
  void afterSigkillAndRestartEveryEventIsDeliveredAtLeastOnceInOrder(@TempDir Path dir) throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String[] hooks = {"--webhook-url", receiver.url(), "--webhook-secret", WebhookReceiver.SECRET};
      try (ServerProcess first = ServerProcess.serve(dir, hooks)) {
        Api api = first.api();
        for (int i = 0; i < 30; i++) {
          api.createSession("crash-hook-" + (i % 3));
        }
        receiver.await(r -> r.acceptedIds().size() >= 10, Duration.ofSeconds(20));
        // The receiver fails while changes keep coming, and sessiond dies in the middle of it.
        receiver.failFor(Duration.ofSeconds(4));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        for (int t = 0; t < 2; t++) {
          writers.submit(() -> {
            while (!stop.get()) {
              try {
                api.post("/api/sessions", "{\"user_id\":\"crash-hook-burst\"}", "Authorization", bearer(TestServer.API_TOKEN));
              } catch (AssertionError connectionLost) {
                return;
              }
            }
          });
        }
        Thread.sleep(1500);
        first.kill();
        stop.set(true);
        writers.shutdown();
        assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      try (ServerProcess second = ServerProcess.serve(dir, hooks)) {
        Api api = second.api();
        api.delete("/sessions/crash-hook-1", "Authorization", bearer(TestServer.API_TOKEN));
        List<String> log = EventIds.all(api);
        assertThat(log).hasSizeGreaterThan(40);
        receiver.await(r -> r.acceptedIds().size() >= log.size(), Duration.ofSeconds(60));
        assertThat(receiver.acceptedIds()).containsAll(log);
        receiver.assertFirstAttemptsInLogOrder(log, Webhooks.WINDOW);
        assertThat(receiver.badSignatures()).isZero();
      }
    }
  }

  @Test
  void anEventTheReceiverHeldWhenSessiondWasKilledIsDeliveredAfterTheRestart(@TempDir Path dir) throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String[] hooks = {"--webhook-url", receiver.url(), "--webhook-secret", WebhookReceiver.SECRET};
      receiver.hold("1");   // the first event of a fresh data directory
      try (ServerProcess first = ServerProcess.serve(dir, hooks)) {
        Api api = first.api();
        for (int i = 0; i < Webhooks.WINDOW + 24; i++) {
          api.createSession("held-hook-" + i);
        }
        // Event 1 waits for an answer; the ones after it within the window are acknowledged, none beyond is tried.
        receiver.await(r -> r.acceptedIds().size() == Webhooks.WINDOW - 1, Duration.ofSeconds(20));
        Thread.sleep(1500);   // the position is saved meanwhile, and must stay before event 1
        assertThat(receiver.firstAttemptIds()).hasSize(Webhooks.WINDOW).contains("1");
        assertThat(receiver.mostInFlight()).isGreaterThan(1);
        first.kill();
      }
      receiver.release();   // the killed server never learns of an answer
      try (ServerProcess second = ServerProcess.serve(dir, hooks)) {
        List<String> log = EventIds.all(second.api());
        assertThat(log).hasSizeGreaterThanOrEqualTo(Webhooks.WINDOW + 24);
        receiver.await(r -> r.acceptedIds().containsAll(log), Duration.ofSeconds(30));
        receiver.assertFirstAttemptsInLogOrder(log, Webhooks.WINDOW);
        assertThat(receiver.badSignatures()).isZero();
      }
    }
  }
}
