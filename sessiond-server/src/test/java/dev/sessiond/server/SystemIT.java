package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Health, readiness, metrics, stats. */
class SystemIT extends OneServerPerClass {

  @Test
  void healthAnswersOkToAnyone() {
    Api.Res r = api.get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void readyAnswers200WhileTheStoreAnswers() {
    Api.Res r = api.get("/ready");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status").asText()).isEqualTo("ready");
  }

  @Test
  void everyAnsweredWhoamiIsTimedOnceUnderItsStatus() {
    JsonNode s = api.createSession("metrics-timed-user");
    String token = s.get("token").asText();
    long before = whoamiCount("200");
    for (int i = 0; i < 5; i++) {
      assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(200);
    }
    assertThat(whoamiCount("200")).isEqualTo(before + 5);
  }

  private long whoamiCount(String status) {
    String prefix = "http_server_requests_seconds_count{method=\"GET\",route=\"/api/whoami\",status=\"" + status + "\"} ";
    return api.get("/metrics").body().lines().filter(l -> l.startsWith(prefix))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length()))).sum();
  }

  @Test
  void metricsCountRequestsByRouteAndStatusAndSessionsByFate() {
    JsonNode s = api.createSession("metrics-user");
    api.delete("/api/sessions/" + s.get("id").asText(), "Authorization", bearer(TestServer.API_TOKEN));
    api.get("/api/whoami", "Authorization", bearer("nope"));

    Api.Res r = api.get("/metrics");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    assertThat(r.body())
        .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/api/whoami\",status=\"401\"}")
        .contains("route=\"/api/sessions/:id\"")
        .contains("sessiond_sessions_started_total")
        .contains("sessiond_sessions_revoked_total{reason=\"revoked\"}")
        .contains("sessiond_store_seconds_count{op=\"find_by_token\"}")
        .doesNotContain("nope");
  }

  @Test
  void statsCountSessionsUsersAndMembers() {
    api.createSession("stats-a");
    api.createSession("stats-a");
    api.createSession("stats-b");

    Api.Res r = api.get("/api/stats", "Authorization", bearer(TestServer.API_TOKEN));

    assertThat(r.status()).isEqualTo(200);
    JsonNode stats = r.json();
    assertThat(stats.get("sessions").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(stats.get("users").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(stats.get("members").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(stats.get("connected").asLong()).isZero();
    assertThat(stats.get("server_started_at").asText()).endsWith("Z");
  }
}
