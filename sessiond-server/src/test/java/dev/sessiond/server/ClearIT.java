package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /sessions/clear ends every session, the caller's own included, on a server of its own. */
class ClearIT {

  @Test
  void clearRevokesEverySessionIncludingTheCallersAndCountsThem(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      Api api = server.api;
      String admin = server.adminToken();
      String a = api.createSession("clear-a").get("token").asText();
      String b = api.createSession("clear-b").get("token").asText();

      Api.Res r = api.post("/sessions/clear", null, "Authorization", bearer(admin));

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("DeletedCount").asInt()).isEqualTo(3);
      for (String token : new String[] {admin, a, b}) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(401);
      }
      assertThat(api.get("/sessions", "Authorization", bearer(TestServer.API_TOKEN)).body()).isEqualTo("[]");
    }
  }
}
