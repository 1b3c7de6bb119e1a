package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis going away and coming back: 503s meanwhile, never a wrong yes, and nothing lost with AOF. */
class RedisFaultIT {

  static final String AUTH = bearer(TestServer.API_TOKEN);

  @Test
  void withRedisDownRequestsAnswer503AndTheNodeRecoversByItself(@TempDir Path dir) throws Exception {
    try (RedisProcess redis = RedisProcess.startPersistent();
        ServerProcess node = ServerProcess.serve(dir, "--store", "redis", "--redis-uri", redis.uri())) {
      Api api = node.api();
      JsonNode live = api.createSession("fault-live");
      JsonNode revoked = api.createSession("fault-revoked");
      api.delete("/api/sessions/" + revoked.get("id").asText(), "Authorization", AUTH);

      redis.stop();

      Api.Res ready = api.get("/ready");
      assertThat(ready.status()).isEqualTo(503);
      for (String token : new String[] {live.get("token").asText(), revoked.get("token").asText(), "unknown-token"}) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(503);
      }
      assertThat(api.post("/api/sessions", "{\"user_id\":\"x\"}", "Authorization", AUTH).status()).isEqualTo(503);
      assertThat(api.get("/health").status()).isEqualTo(200);

      redis.start();
      awaitReady(api);

      assertThat(api.get("/api/whoami", "Authorization", bearer(live.get("token").asText())).status()).isEqualTo(200);
      assertThat(api.get("/api/whoami", "Authorization", bearer(revoked.get("token").asText())).status()).isEqualTo(401);
    }
  }

  @Test
  void aRedisRestartWithAofLosesNoSessionAndResurrectsNoRevokedOne(@TempDir Path dir) throws Exception {
    try (RedisProcess redis = RedisProcess.startPersistent();
        ServerProcess node = ServerProcess.serve(dir, "--store", "redis", "--redis-uri", redis.uri())) {
      Api api = node.api();
      JsonNode kept = api.createSession("aof-kept");
      JsonNode gone = api.createSession("aof-gone");
      JsonNode userGone = api.createSession("aof-user");
      api.delete("/api/sessions/" + gone.get("id").asText(), "Authorization", AUTH);
      api.delete("/sessions/aof-user", "Authorization", AUTH);

      redis.stop();
      redis.start();
      awaitReady(api);

      assertThat(api.get("/api/whoami", "Authorization", bearer(kept.get("token").asText())).status()).isEqualTo(200);
      assertThat(api.get("/api/whoami", "Authorization", bearer(gone.get("token").asText())).status()).isEqualTo(401);
      assertThat(api.get("/api/whoami", "Authorization", bearer(userGone.get("token").asText())).status()).isEqualTo(401);
      assertThat(api.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD)).isNotBlank();
    }
  }

  private static void awaitReady(Api api) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (api.get("/ready").status() != 200) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sessiond did not recover within 20 s of Redis coming back");
      }
      Thread.sleep(100);
    }
  }
}
