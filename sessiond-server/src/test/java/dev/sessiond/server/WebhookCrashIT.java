package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.webhooks.Webhooks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        // The receiver fails while changes keep coming, and sessiond dies in the middle of it: once
        // the burst has made sessions and the receiver has refused some of their events.
        receiver.failFor(Duration.ofSeconds(4));
        int attemptsBefore = receiver.attempts();
        KillBurst burst = KillBurst.start(2, () -> {
          Api.Res r = api.post("/api/sessions", "{\"user_id\":\"crash-hook-burst\"}", "Authorization",
              bearer(TestServer.API_TOKEN));
          assertThat(r.status()).as("creation during the burst: " + r.body()).isEqualTo(201);
        });
        burst.awaitWrites(30, Duration.ofSeconds(30));
        receiver.await(r -> r.attempts() > attemptsBefore, Duration.ofSeconds(20));
        burst.kill(first);
      }
      try (ServerProcess second = ServerProcess.serve(dir, hooks)) {
        Api api = second.api();
        assertThat(api.delete("/sessions/crash-hook-1", "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(200);
        List<String> log = EventIds.sessionEntries(api);
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
      // The first session event of a fresh data directory: entry 1 is the admin member's creation,
      // written at start before the webhooks take their first position.
      receiver.hold("2");
      try (ServerProcess first = ServerProcess.serve(dir, hooks)) {
        Api api = first.api();
        for (int i = 0; i < Webhooks.WINDOW + 24; i++) {
          api.createSession("held-hook-" + i);
        }
        // Event 2 waits for an answer; the ones after it within the window are acknowledged, none beyond is tried.
        receiver.await(r -> r.acceptedIds().size() == Webhooks.WINDOW - 1, Duration.ofSeconds(20));
        // Nothing more may happen now: the position is saved every 500 ms meanwhile and must stay before
        // event 2, and no event beyond the window may be tried. Six saves' worth, so that a busy machine
        // still makes several.
        Thread.sleep(3000);
        assertThat(receiver.firstAttemptIds()).hasSize(Webhooks.WINDOW).contains("2");
        assertThat(receiver.mostInFlight()).isGreaterThan(1);
        first.kill();
      }
      receiver.release();   // the killed server never learns of an answer
      try (ServerProcess second = ServerProcess.serve(dir, hooks)) {
        List<String> log = EventIds.sessionEntries(second.api());
        assertThat(log).hasSizeGreaterThanOrEqualTo(Webhooks.WINDOW + 24);
        receiver.await(r -> r.acceptedIds().containsAll(log), Duration.ofSeconds(30));
        receiver.assertFirstAttemptsInLogOrder(log, Webhooks.WINDOW);
        assertThat(receiver.badSignatures()).isZero();
      }
    }
  }
}
