package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.webhooks.Webhooks;
import dev.sessiond.store.redis.RedisClusterProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RedisWebhookIT} on a 3-master Redis Cluster with 12 shards: the URL's durable position
 * is a cursor of 12 positions, and the surviving node resumes from it; each {@code webhook-id}
 * names its entry (shard and position), not the cursor.
 */
class RedisClusterWebhookIT {

  @Test
  void eachEventIsDeliveredInOrderAndASurvivingNodeTakesOverFromAKilledOne(@TempDir Path dirA, @TempDir Path dirB)
      throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(); WebhookReceiver receiver = WebhookReceiver.start()) {
      String[] args = {"--store", "redis", "--redis-cluster-uri", String.join(",", cluster.seeds()),
          "--webhook-url", receiver.url(),
          "--webhook-secret", WebhookReceiver.SECRET};
      ServerProcess a = ServerProcess.serve(dirA, args);
      ServerProcess b = ServerProcess.serve(dirB, args);
      try {
        for (int i = 0; i < 20; i++) {
          (i % 2 == 0 ? a : b).api().createSession("redis-hook-" + i);
        }
        List<String> before = EventIds.keys(a.api());
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
        List<String> all = EventIds.keys(survivor.api());
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
