package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes that start together, and nodes that die without a word. */
class RedisNodeLifecycleIT {

  static final String AUTH = bearer(TestServer.API_TOKEN);

  @Test
  void threeNodesStartedAtTheSameInstantAllComeUpAndShareOneAdmin(@TempDir Path dir) throws Exception {
    try (RedisProcess redis = RedisProcess.launch()) {
      List<ServerProcess> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          // No --admin-password: each node that finds no member would generate one; only one may.
          nodes.add(ServerProcess.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", "0",
              "--data-dir", dir.resolve("n" + i).toString(), "--store", "redis", "--redis-uri", redis.uri(),
              "--api-token", TestServer.API_TOKEN));
        }
        Set<String> adminIds = new HashSet<>();
        int generated = 0;
        for (ServerProcess node : nodes) {
          node.awaitListening();
          JsonNode members = node.api().get("/api/members", "Authorization", AUTH).json();
          assertThat(members.size()).as(members.toString()).isEqualTo(1);
          assertThat(members.get(0).get("username").asText()).isEqualTo("admin");
          adminIds.add(members.get(0).get("id").asText());
          generated += node.outputText().contains("created admin member") ? 1 : 0;
        }
        assertThat(adminIds).hasSize(1);
        assertThat(generated).as("nodes that printed a generated password").isEqualTo(1);
      } finally {
        nodes.forEach(ServerProcess::close);
      }
    }
  }

  /** Also: a node started later sees the connections others already hold (one pair of nodes for both, to keep the suite short). */
  @Test
  void aKilledNodeStopsCountingItsConnectionsWithinThreeHeartbeats(@TempDir Path a, @TempDir Path b) throws Exception {
    Duration heartbeat = Duration.ofSeconds(1);
    try (RedisProcess redis = RedisProcess.launch();
        ServerProcess nodeA = ServerProcess.serve(a, "--store", "redis", "--redis-uri", redis.uri(), "--ws-heartbeat", "1s")) {
      Api api = nodeA.api();
      JsonNode before = api.createSession("connected-before");
      WsClient onA = WsClient.connect(nodeA.port(), before.get("token").asText());
      onA.next("system/init");
      try (ServerProcess nodeB = ServerProcess.serve(b, "--store", "redis", "--redis-uri", redis.uri(), "--ws-heartbeat", "1s")) {
        JsonNode seen = awaitState(nodeB.api(), before.get("id").asText(), true, Duration.ofSeconds(5));
        assertThat(seen.get("connections").asInt()).as("a node started later sees the sockets of others").isEqualTo(1);

        JsonNode s = api.createSession("dies-with-its-node");
        String id = s.get("id").asText();
        WsClient onB = WsClient.connect(nodeB.port(), s.get("token").asText());
        onB.next("system/init");
        awaitState(api, id, true, Duration.ofSeconds(5));

        nodeB.kill();
        long killed = System.nanoTime();

        JsonNode state = awaitState(api, id, false, heartbeat.multipliedBy(3).plusSeconds(2));
        long took = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("NODE DEATH: node A reported the session not connected %d ms after node B's SIGKILL "
            + "(bound: three heartbeats, %d ms)%n", took, heartbeat.multipliedBy(3).toMillis());
        assertThat(state.get("connections").asInt()).isZero();
        assertThat(state.hasNonNull("not_connected_since")).isTrue();
        assertThat(api.get("/api/whoami", "Authorization", bearer(s.get("token").asText())).status()).isEqualTo(200);
        assertThat(api.get("/api/sessions/" + before.get("id").asText(), "Authorization", AUTH).json()
            .at("/state/connections").asInt()).as("node A's own socket still counts").isEqualTo(1);
      }
    }
  }

  private static JsonNode awaitState(Api api, String id, boolean connected, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    JsonNode state = null;
    while (System.nanoTime() < deadline) {
      state = api.get("/api/sessions/" + id, "Authorization", AUTH).json().get("state");
      if (state.get("is_connected").asBoolean() == connected) {
        return state;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("is_connected never became " + connected + " within " + within + ": " + state);
  }
}
