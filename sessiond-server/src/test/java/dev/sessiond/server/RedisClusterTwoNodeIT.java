package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.store.redis.RedisClusterProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-node story of {@link RedisTwoNodeIT} on a 3-master Redis Cluster, where sessions and
 * the event log are spread over 12 shards: every node follows each shard's Stream.
 */
class RedisClusterTwoNodeIT extends RedisTwoNodeIT {

  static RedisClusterProcess cluster;

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    cluster = RedisClusterProcess.start();
    String seeds = String.join(",", cluster.seeds());
    nodeA = ServerProcess.serve(dirA, "--store", "redis", "--redis-cluster-uri", seeds, "--ws-heartbeat", "1s");
    nodeB = ServerProcess.serve(dirB, "--store", "redis", "--redis-cluster-uri", seeds, "--ws-heartbeat", "1s");
    a = nodeA.api();
    b = nodeB.api();
  }

  @AfterAll
  static void stop() {
    nodeA.close();
    nodeB.close();
    cluster.close();
  }

  @Test
  void eventIdsAreCursorsOfTwelveShardsAndPageTheLogOnEitherNode() {
    JsonNode s = a.createSession("cluster-cursor");
    JsonNode first = b.get("/api/events?limit=1&session_id=" + s.get("id").asText(), "Authorization", AUTH).json().get(0);
    assertThat(first.get("id").asText().split("\\.", -1)).hasSize(12);
    b.delete("/api/sessions/" + s.get("id").asText(), "Authorization", AUTH);
    JsonNode next = a.get("/api/events?session_id=" + s.get("id").asText() + "&after=" + first.get("id").asText(),
        "Authorization", AUTH).json();
    assertThat(next).hasSize(1);
    assertThat(next.get(0).get("type").asText()).isEqualTo("session.revoked");
  }
}
