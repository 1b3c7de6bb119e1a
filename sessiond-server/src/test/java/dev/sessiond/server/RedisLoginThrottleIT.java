package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.LoginThrottle;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two sessiond processes on one Redis, behind this test as their proxy: one throttle. */
class RedisLoginThrottleIT {

  static TwoNodes nodes;
  static Api a;
  static Api b;

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    nodes = TwoNodes.onRedis(dirA, dirB, "--trusted-proxies", "127.0.0.1");
    a = nodes.a.api();
    b = nodes.b.api();
  }

  @AfterAll
  static void stop() {
    nodes.close();
  }

  private static Api.Res login(Api on, String address, String username, String password) {
    return on.post("/api/login", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}",
        "X-Forwarded-For", address);
  }

  @Test
  void failuresOnOneNodeCountOnTheOther() {
    Api.Res created = a.post("/api/members", "{\"username\":\"jane\",\"password\":\"pw-jane\"}",
        "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    int free = LoginThrottle.PER_USERNAME_AND_ADDRESS.free();
    for (int i = 0; i < free; i++) {
      assertThat(login(i % 2 == 0 ? a : b, "203.0.113.10", "jane", "guess-" + i).status()).isEqualTo(401);
    }

    Api.Res onB = login(b, "203.0.113.10", "jane", "pw-jane");
    assertThat(onB.status()).as(onB.body()).isEqualTo(429);
    assertThat(Long.parseLong(onB.header("Retry-After"))).isPositive();
    assertThat(login(a, "203.0.113.10", "jane", "pw-jane").status()).isEqualTo(429);
    Api.Res elsewhere = login(b, "198.51.100.10", "jane", "pw-jane");
    assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(200);
    assertThat(elsewhere.json().get("ip").asText()).isEqualTo("198.51.100.10");
  }

  @Test
  void anAddressSprayingUsernamesIsCountedAcrossNodes() {
    int free = LoginThrottle.PER_ADDRESS.free();
    for (int i = 0; i < free; i++) {
      assertThat(login(i < free / 2 ? a : b, "203.0.113.20", "sprayed-" + i, "guess").status()).isEqualTo(401);
    }

    assertThat(login(a, "203.0.113.20", "sprayed-more", "guess").status()).isEqualTo(429);
    assertThat(login(b, "203.0.113.20", "sprayed-more", "guess").status()).isEqualTo(429);
    assertThat(login(b, "198.51.100.20", TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
  }
}
