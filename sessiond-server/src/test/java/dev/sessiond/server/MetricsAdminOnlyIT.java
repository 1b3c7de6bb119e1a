package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics-public false}: /metrics answers like a management endpoint, 401 / 403 / 200. */
class MetricsAdminOnlyIT {

  @TempDir
  static Path dir;
  static ServerProcess server;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.serve(dir, "--metrics-public", "false");
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void withoutCredentialsMetricsAre401Json() throws Exception {
    Api.Res r = api.get("/metrics");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(Api.JSON.readTree("{\"message\":\"authentication required\"}"));
    assertThat(r.body()).doesNotContain("sessiond_");
  }

  @Test
  void anUnknownTokenIs401AndASessionWithoutTheAdminRightIs403() throws Exception {
    Api.Res forged = api.get("/metrics", "Authorization", bearer("forged-metrics-token"));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.json()).isEqualTo(Api.JSON.readTree("{\"message\":\"invalid or expired token\"}"));

    String user = api.createSession("metrics-plain-user").get("token").asText();
    Api.Res plain = api.get("/metrics", "Authorization", bearer(user));
    assertThat(plain.status()).isEqualTo(403);
    assertThat(plain.header("Content-Type")).isEqualTo("application/json");
    assertThat(plain.json()).isEqualTo(Api.JSON.readTree("{\"message\":\"admin right required\"}"));
  }

  @Test
  void theApiTokenAndAnAdminsSessionGetThePrometheusText() {
    assertThat(api.get("/metrics").status()).isEqualTo(401);
    String admin = api.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    for (String token : new String[] {TestServer.API_TOKEN, admin}) {
      Api.Res r = api.get("/metrics", "Authorization", bearer(token));

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(r.body()).contains("# TYPE sessiond_sessions_started_total counter")
          .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/metrics\",status=\"401\"}")
          .doesNotContain(TestServer.API_TOKEN).doesNotContain(admin);
    }
  }
}
