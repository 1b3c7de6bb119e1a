package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.SessionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --max-sessions-per-user with --on-session-limit evict-oldest and deny, and its default. */
class SessionLimitIT {

  /**
   * What a script that logs in over and over gets from a server started without the flag: the
   * cap holds at the default, the oldest sessions end (their sockets closed with 4008), the
   * newest works.
   */
  @Test
  void byDefaultAMemberWhoLogsInOverAndOverKeepsOnlyItsNewestSessions(@TempDir Path dir) throws Exception {
    int cap = SessionPolicy.DEFAULT_MAX_SESSIONS_PER_USER;
    try (ServerProcess server = ServerProcess.serve(dir)) {
      Api api = server.api();
      Api.Res created = api.post("/api/members", "{\"username\":\"looper\",\"password\":\"pw-looper\"}",
          "Authorization", bearer(TestServer.API_TOKEN));
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      String member = created.json().get("id").asText();
      String first = api.login("looper", "pw-looper");
      WsClient firstSocket = WsClient.connect(server.port(), first);
      firstSocket.next("system/init");

      String last = first;
      for (int i = 0; i < cap + 9; i++) {
        last = api.login("looper", "pw-looper");
      }

      assertThat(firstSocket.awaitClose().code()).isEqualTo(4008);
      assertThat(api.get("/api/whoami", "Authorization", bearer(first)).status()).isEqualTo(401);
      assertThat(api.get("/api/whoami", "Authorization", bearer(last)).status()).isEqualTo(200);
      assertThat(api.get("/api/sessions?user_id=" + member + "&limit=1000", "Authorization", bearer(TestServer.API_TOKEN))
          .json().size()).isEqualTo(cap);
    }
  }

  private static TestServer start(Path dir, SessionPolicy.OnLimit onLimit) throws Exception {
    return TestServer.start(dir, c -> new Config(c.host(), c.port(), c.store(), c.dataDir(), c.adminUser(),
        c.adminPassword(), c.apiToken(), new SessionPolicy(Duration.ofHours(1), Duration.ofHours(24), 2, onLimit),
        false, true, c.wsHeartbeat(), c.wsReconnectGrace(), c.redisUri(), c.redisClusterUris(), c.redisWaitReplicas(), c.forwardAuth(), c.corsOrigins(), c.webhooks()));
  }

  @Test
  void atTheLimitTheOldestSessionIsEvictedAndItsSocketClosedWith4008(@TempDir Path dir) throws Exception {
    try (TestServer server = start(dir, SessionPolicy.OnLimit.EVICT_OLDEST)) {
      Api api = server.api;
      String first = api.createSession("limited").get("token").asText();
      WsClient firstSocket = WsClient.connect(server.port(), first);
      firstSocket.next("system/init");
      Thread.sleep(5);
      String second = api.createSession("limited").get("token").asText();
      Thread.sleep(5);
      String third = api.createSession("limited").get("token").asText();

      assertThat(api.get("/api/whoami", "Authorization", bearer(first)).status()).isEqualTo(401);
      assertThat(firstSocket.awaitClose().code()).isEqualTo(4008);
      assertThat(api.get("/api/whoami", "Authorization", bearer(second)).status()).isEqualTo(200);
      assertThat(api.get("/api/whoami", "Authorization", bearer(third)).status()).isEqualTo(200);
      assertThat(api.get("/api/sessions?user_id=limited", "Authorization", bearer(TestServer.API_TOKEN)).json().size())
          .isEqualTo(2);
    }
  }

  @Test
  void withDenyANewSessionPastTheLimitIsRefusedWith403(@TempDir Path dir) throws Exception {
    try (TestServer server = start(dir, SessionPolicy.OnLimit.DENY)) {
      Api api = server.api;
      String first = api.createSession("denied").get("token").asText();
      api.createSession("denied");

      Api.Res third = api.post("/api/sessions", "{\"user_id\":\"denied\"}", "Authorization", bearer(TestServer.API_TOKEN));

      assertThat(third.status()).isEqualTo(403);
      assertThat(third.message()).contains("most sessions");
      assertThat(api.get("/api/whoami", "Authorization", bearer(first)).status()).isEqualTo(200);
      assertThat(api.post("/api/login", "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}")
          .status()).isEqualTo(200);
    }
  }
}
