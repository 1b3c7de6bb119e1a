package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two sessiond processes on one Redis behave as one server. */
class RedisTwoNodeIT {

  static RedisProcess redis;
  static ServerProcess nodeA;
  static ServerProcess nodeB;
  static Api a;
  static Api b;
  static final String AUTH = bearer(TestServer.API_TOKEN);

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    redis = RedisProcess.launch();
    nodeA = ServerProcess.serve(dirA, "--store", "redis", "--redis-uri", redis.uri(), "--ws-heartbeat", "1s");
    nodeB = ServerProcess.serve(dirB, "--store", "redis", "--redis-uri", redis.uri(), "--ws-heartbeat", "1s");
    a = nodeA.api();
    b = nodeB.api();
  }

  @AfterAll
  static void stop() {
    nodeA.close();
    nodeB.close();
    redis.close();
  }

  @Test
  void aSessionCreatedOnOneNodeVerifiesOnTheOther() {
    JsonNode s = a.createSession("two-node-verify");
    Api.Res who = b.get("/api/whoami", "Authorization", bearer(s.get("token").asText()));
    assertThat(who.status()).isEqualTo(200);
    assertThat(who.json().get("id").asText()).isEqualTo(s.get("id").asText());
    assertThat(b.get("/api/sessions/" + s.get("id").asText(), "Authorization", AUTH).status()).isEqualTo(200);
  }

  @Test
  void disconnectOnOneNodeClosesTheSocketsTheOtherHoldsAndStateCountsThem() throws Exception {
    JsonNode s = a.createSession("two-node-disconnect");
    String id = s.get("id").asText();
    WsClient onB = WsClient.connect(nodeB.port(), s.get("token").asText());
    onB.next("system/init");
    awaitConnections(a, id, 1);

    assertThat(a.post("/api/sessions/" + id + "/disconnect", null, "Authorization", AUTH).status()).isEqualTo(204);

    assertThat(a.get("/api/sessions/" + id, "Authorization", AUTH).json().at("/state/is_connected").asBoolean())
        .as("the node that took the call counts the session off at once, without the 5 s grace").isFalse();
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (b.get("/api/sessions/" + id, "Authorization", AUTH).json().at("/state/is_connected").asBoolean()) {
      assertThat(System.nanoTime()).as("node B says not connected well within the grace").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(onB.awaitClose().code()).isEqualTo(4001);
    assertThat(b.get("/api/whoami", "Authorization", bearer(s.get("token").asText())).status()).isEqualTo(200);
    awaitConnections(a, id, 0);
  }

  @Test
  void aDeviceSignedOutOnOneNodeClosesWith4010OnTheOtherAndItsOwnFeedThereSeesIt() throws Exception {
    JsonNode here = a.createSession("two-node-devices");
    JsonNode there = a.createSession("two-node-devices");
    JsonNode third = a.createSession("two-node-devices");
    WsClient watcher = WsClient.connect(nodeB.port(), here.get("token").asText() + "&feed=own");
    watcher.next("system/init");
    WsClient onB = WsClient.connect(nodeB.port(), there.get("token").asText());
    onB.next("system/init");
    WsClient thirdOnB = WsClient.connect(nodeB.port(), third.get("token").asText());
    thirdOnB.next("system/init");

    assertThat(a.delete("/api/me/sessions/" + there.get("id").asText(), "Authorization",
        bearer(here.get("token").asText())).status()).isEqualTo(204);

    assertThat(onB.awaitClose().code()).isEqualTo(4010);
    JsonNode deleted = watcher.next("session/deleted");
    assertThat(deleted.at("/payload/id").asText()).isEqualTo(there.get("id").asText());
    assertThat(b.get("/api/whoami", "Authorization", bearer(there.get("token").asText())).status()).isEqualTo(401);
    Api.Res others = b.post("/api/me/sessions/revoke-others", null, "Authorization", bearer(here.get("token").asText()));
    assertThat(others.json().get("DeletedCount").asInt()).isEqualTo(1);
    assertThat(thirdOnB.awaitClose().code()).isEqualTo(4010);
  }

  @Test
  void interruptingAUserOnOneNodeIsRefusedAtOnceOnTheOtherAndClosesItsSockets() throws Exception {
    JsonNode s = a.createSession("two-node-user");
    String token = s.get("token").asText();
    WsClient onB = WsClient.connect(nodeB.port(), token);
    onB.next("system/init");

    Api.Res r = a.delete("/sessions/two-node-user", "Authorization", AUTH);

    assertThat(r.json().get("DeletedCount").asInt()).isEqualTo(1);
    assertThat(b.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(401);
    assertThat(onB.awaitClose().code()).isEqualTo(4004);
  }

  @Test
  void theAdminFeedOnOneNodeShowsEventsFromTheOther() throws Exception {
    String admin = b.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    WsClient feed = WsClient.connect(nodeB.port(), admin);
    feed.next("system/init");

    JsonNode s = a.createSession("two-node-feed");

    for (int i = 0; i < 50; i++) {
      JsonNode m = feed.next("session/created");
      if (m.at("/payload/id").asText().equals(s.get("id").asText())) {
        return;
      }
    }
    throw new AssertionError("node B's admin feed never showed the session created on node A");
  }

  @Test
  void clearOnOneNodeEndsEverySessionOnEveryNode() throws Exception {
    JsonNode s1 = a.createSession("two-node-clear-1");
    JsonNode s2 = b.createSession("two-node-clear-2");
    WsClient onB = WsClient.connect(nodeB.port(), s1.get("token").asText());
    onB.next("system/init");

    Api.Res r = a.post("/sessions/clear", null, "Authorization", AUTH);

    assertThat(r.json().get("DeletedCount").asInt()).isGreaterThanOrEqualTo(2);
    for (Api node : new Api[] {a, b}) {
      assertThat(node.get("/api/whoami", "Authorization", bearer(s1.get("token").asText())).status()).isEqualTo(401);
      assertThat(node.get("/api/whoami", "Authorization", bearer(s2.get("token").asText())).status()).isEqualTo(401);
    }
    assertThat(onB.awaitClose().code()).isEqualTo(4005);
    assertThat(b.get("/sessions", "Authorization", AUTH).body()).isEqualTo("[]");
  }

  private static void awaitConnections(Api api, String id, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    JsonNode state = null;
    while (System.nanoTime() < deadline) {
      state = api.get("/api/sessions/" + id, "Authorization", AUTH).json().get("state");
      if (state.get("connections").asInt() == expected) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("connections never became " + expected + ": " + state);
  }
}
