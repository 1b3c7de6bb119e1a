package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.webhooks.Webhooks;
import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on one Redis, one webhook URL: one node delivers; when it is killed, the other takes over. */
class RedisWebhookIT {

  @Test
  void eachEventIsDeliveredInOrderAndASurvivingNodeTakesOverFromAKilledOne(@TempDir Path dirA, @TempDir Path dirB)
      throws Exception {
    try (RedisProcess redis = RedisProcess.launch(); WebhookReceiver receiver = WebhookReceiver.start()) {
      String[] args = {"--store", "redis", "--redis-uri", redis.uri(), "--webhook-url", receiver.url(),
          "--webhook-secret", WebhookReceiver.SECRET};
      ServerProcess a = ServerProcess.serve(dirA, args);
      ServerProcess b = ServerProcess.serve(dirB, args);
      try {
        for (int i = 0; i < 20; i++) {
          (i % 2 == 0 ? a : b).api().createSession("redis-hook-" + i);
        }
        List<String> before = EventIds.sessionEntries(a.api());
        receiver.await(r -> r.acceptedIds().size() >= before.size(), Duration.ofSeconds(20));
        assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(before);
        receiver.assertFirstAttemptsInLogOrder(before, Webhooks.WINDOW);

        ServerProcess holder = a.outputText().contains("this node delivers") ? a : b;
        ServerProcess survivor = holder == a ? b : a;
        assertThat(survivor.outputText()).doesNotContain("this node delivers");
        holder.kill();
        for (int i = 0; i < 20; i++) {
          survivor.api().createSession("redis-hook-after-" + i);
        }
        List<String> all = EventIds.sessionEntries(survivor.api());
        receiver.await(r -> r.acceptedIds().size() >= all.size(), Duration.ofSeconds(40));
        assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(all);
        receiver.assertFirstAttemptsInLogOrder(all, Webhooks.WINDOW);
        assertThat(survivor.outputText()).contains("this node delivers");
        assertThat(receiver.badSignatures()).isZero();
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
