package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.server.webhooks.Webhooks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks from the real server to a real receiver that fails for a while and recovers. */
class WebhookIT {

  @TempDir
  Path dir;

  @Test
  void everyChangeIsPostedInLogOrderSignedOnceTheFailingReceiverRecovers() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        TestServer server = TestServer.start(dir, c -> c.withWebhooks(
            new Config.Webhooks(List.of(receiver.url()), WebhookReceiver.SECRET)))) {
      Api api = server.api;
      String auth = bearer(TestServer.API_TOKEN);
      receiver.failFromNextFor(Duration.ofSeconds(3));
      JsonNode kept = api.createSession("hook-kept");
      JsonNode deleted = api.createSession("hook-deleted");
      api.createSession("hook-user");
      api.createSession("hook-user");
      assertThat(api.post("/api/sessions/" + kept.get("id").asText() + "/disconnect", null, "Authorization", auth).status())
          .isEqualTo(204);
      assertThat(api.delete("/api/sessions/" + deleted.get("id").asText(), "Authorization", auth).status()).isEqualTo(204);
      assertThat(api.delete("/sessions/hook-user", "Authorization", auth).status()).isEqualTo(200);

      List<String> log = EventIds.sessionEntries(api);
      receiver.await(r -> r.acceptedIds().size() >= log.size(), Duration.ofSeconds(30));

      assertThat(receiver.acceptedIds()).containsAll(log);
      receiver.assertFirstAttemptsInLogOrder(log, Webhooks.WINDOW);
      assertThat(receiver.badSignatures()).isZero();
      assertThat(receiver.attempts()).isGreaterThan(log.size());
      Map<String, JsonNode> byType = receiver.accepted().stream()
          .collect(Collectors.toMap(d -> d.event().get("type").asText() + "/" + d.event().path("reason").asText(),
              d -> d.event(), (a, b) -> a));
      assertThat(byType).containsKeys("session.created/", "session.disconnected/", "session.revoked/deleted",
          "session.revoked/user");
      assertThat(byType.get("session.revoked/user").get("count").asInt()).isEqualTo(2);
      assertThat(byType.get("session.revoked/deleted").get("actor").get("type").asText()).isEqualTo("api_token");

      String metrics = api.get("/metrics").body();
      assertThat(metrics).containsPattern("sessiond_webhook_deliveries_total\\{outcome=\"delivered\"} [1-9]");
      assertThat(metrics).containsPattern("sessiond_webhook_deliveries_total\\{outcome=\"rejected\"} [1-9]");
      assertThat(metrics).contains("sessiond_webhook_delivery_lag_seconds_count");
    }
  }

  @Test
  void aWebhookUrlWithoutASecretOrWithABadOneIsRefusedAtStart() throws Exception {
    ServerProcess noSecret = ServerProcess.run(Map.of(), "serve", "--port", "0", "--data-dir", dir.toString(),
        "--webhook-url", "http://127.0.0.1:9/hook");
    assertThat(noSecret.awaitExit()).isNotZero();
    assertThat(noSecret.outputText()).contains("--webhook-url needs --webhook-secret");
    ServerProcess badSecret = ServerProcess.run(Map.of("SESSIOND_WEBHOOK_SECRET", "not-a-secret"), "serve", "--port", "0",
        "--data-dir", dir.toString(), "--webhook-url", "http://127.0.0.1:9/hook");
    assertThat(badSecret.awaitExit()).isNotZero();
    assertThat(badSecret.outputText()).contains("whsec_");
    ServerProcess badUrl = ServerProcess.run(Map.of("SESSIOND_WEBHOOK_SECRET", WebhookReceiver.SECRET), "serve",
        "--port", "0", "--data-dir", dir.toString(), "--webhook-url", "ftp://127.0.0.1/hook");
    assertThat(badUrl.awaitExit()).isNotZero();
    assertThat(badUrl.outputText()).contains("http:// or https://");
  }
}
