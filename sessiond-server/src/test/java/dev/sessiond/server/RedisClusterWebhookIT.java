package dev.sessiond.server;

import dev.sessiond.store.redis.RedisClusterProcess;
import java.nio.file.Path;
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
    try (RedisClusterProcess cluster = RedisClusterProcess.start()) {
      RedisWebhookIT.deliveredInOrderAndTakenOver(List.of("--redis-cluster-uri", String.join(",", cluster.seeds())),
          EventIds::keys, dirA, dirB);
    }
  }
}
