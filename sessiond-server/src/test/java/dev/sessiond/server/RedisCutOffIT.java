package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.store.redis.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one Redis; node B's link is cut (its Redis user switched off and its
 * connections killed with CLIENT KILL, so it cannot reconnect) while node A ends sessions whose
 * sockets B holds. Over pub/sub B never heard of them; from the event log it catches up: every
 * such socket closes, with the right code, within 5 s of B's link coming back, every round.
 */
class RedisCutOffIT {

  static final String AUTH = bearer(TestServer.API_TOKEN);
  static final int ROUNDS = 5;
  static RedisProcess redis;
  static RedisClient admin;
  static StatefulRedisConnection<String, String> control;
  static ServerProcess nodeA;
  static ServerProcess nodeB;
  static Api a;

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    redis = RedisProcess.launch();
    admin = RedisClient.create(redis.uri());
    control = admin.connect();
    control.sync().aclSetuser("nodeb", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("pw-nodeb")
        .allKeys().allChannels().allCommands());
    nodeA = ServerProcess.serve(dirA, "--store", "redis", "--redis-uri", redis.uri(), "--ws-heartbeat", "1s");
    nodeB = ServerProcess.serve(dirB, "--store", "redis", "--redis-uri",
        "redis://nodeb:pw-nodeb@127.0.0.1:" + redis.port, "--ws-heartbeat", "1s");
    a = nodeA.api();
  }

  @AfterAll
  static void stop() {
    nodeA.close();
    nodeB.close();
    control.close();
    admin.shutdown();
    redis.close();
  }

  /** After the last round node B's commands may still be reconnecting: wait until it answers from Redis again. */
  private static void awaitReady(Api b) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (b.get("/ready").status() != 200) {
      assertThat(System.nanoTime()).as("node B ready again").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void cutOffB() {
    control.sync().aclSetuser("nodeb", io.lettuce.core.AclSetuserArgs.Builder.off());
    long killed = control.sync().clientKill(io.lettuce.core.KillArgs.Builder.user("nodeb"));
    assertThat(killed).as("node B's connections").isGreaterThan(0);
  }

  private static void reconnectB() {
    control.sync().aclSetuser("nodeb", io.lettuce.core.AclSetuserArgs.Builder.on());
  }

  @Test
  void everySocketOnTheCutOffNodeClosesWithinFiveSecondsOfItsLinkComingBackEveryRound() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String user = "cut-" + round + "-";
      awaitReady(nodeB.api());
      List<JsonNode> sessions = new ArrayList<>();
      List<WsClient> sockets = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JsonNode s = a.createSession(user + i);
        sessions.add(s);
        WsClient ws = WsClient.connect(nodeB.port(), s.get("token").asText());
        ws.next("system/init");
        sockets.add(ws);
      }

      cutOffB();
      assertThat(a.delete("/sessions/" + user + "0", "Authorization", AUTH).status()).isEqualTo(200);
      assertThat(a.delete("/sessions/" + user + "1", "Authorization", AUTH).status()).isEqualTo(200);
      assertThat(a.delete("/api/sessions/" + sessions.get(2).get("id").asText(), "Authorization", AUTH).status())
          .isEqualTo(204);
      assertThat(a.post("/api/sessions/" + sessions.get(3).get("id").asText() + "/disconnect", null, "Authorization", AUTH)
          .status()).isEqualTo(204);
      Thread.sleep(1500);
      for (WsClient ws : sockets) {
        assertThat(ws.closed).as("round " + round + ": node B cannot have heard yet").isNotDone();
      }

      long back = System.nanoTime();
      reconnectB();
      int[] expected = {4004, 4004, 4003, 4001};
      long slowest = 0;
      for (int i = 0; i < sockets.size(); i++) {
        WsClient.Close close = sockets.get(i).closed.get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
        assertThat(ms).as("round " + round + ", socket " + i + " closed " + ms + " ms after the link came back")
            .isLessThan(5_000);
        assertThat(close.code()).as("round " + round + ", socket " + i).isEqualTo(expected[i]);
        slowest = Math.max(slowest, ms);
      }
      System.out.println("RedisCutOffIT round " + round + ": every socket closed within " + slowest
          + " ms of node B's link coming back");
    }
  }
}
