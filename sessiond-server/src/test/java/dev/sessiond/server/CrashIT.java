package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 loses nothing acknowledged: created sessions stay valid, revoked ones stay refused,
 * and each of those changes has its entry in the event log.
 */
class CrashIT {

  @Test
  void afterSigkillEveryAcknowledgedSessionIsValidAndEveryRevokedOneRefused(@TempDir Path dir) throws Exception {
    List<String> revoked = java.util.Collections.synchronizedList(new ArrayList<>());
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> createdIds = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> revokedIds = new ConcurrentLinkedQueue<>();
    try (ServerProcess first = ServerProcess.serve(dir)) {
      Api api = first.api();
      List<JsonNode> sessions = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        sessions.add(api.createSession("crash-user-" + (i % 6)));
        createdIds.add(sessions.get(i).get("id").asText());
      }
      for (int i = 0; i < 60; i += 3) {
        String id = sessions.get(i).get("id").asText();
        assertThat(api.delete("/api/sessions/" + id, "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(204);
        revoked.add(sessions.get(i).get("token").asText());
        revokedIds.add(id);
      }
      assertThat(api.delete("/sessions/crash-user-1", "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(200);
      for (int i = 0; i < 60; i++) {
        String token = sessions.get(i).get("token").asText();
        if (i % 6 == 1 && !revoked.contains(token)) {
          revoked.add(token);
        } else if (!revoked.contains(token)) {
          acknowledged.add(token);
        }
      }
      // Keep creating and deleting from several threads and kill the process in the middle of it.
      // Every answer must be the one expected: only a request the kill cut off may go unanswered.
      KillBurst burst = KillBurst.start(4, () -> {
        Api.Res r = api.post("/api/sessions", "{\"user_id\":\"crash-burst\"}", "Authorization", bearer(TestServer.API_TOKEN));
        assertThat(r.status()).as("creation during the burst: " + r.body()).isEqualTo(201);
        String id = r.json().get("id").asText();
        createdIds.add(id);
        if (id.hashCode() % 2 == 0) {
          acknowledged.add(r.json().get("token").asText());
          return;
        }
        Api.Res deleted = api.delete("/api/sessions/" + id, "Authorization", bearer(TestServer.API_TOKEN));
        assertThat(deleted.status()).as("deletion during the burst: " + deleted.body()).isEqualTo(204);
        revokedIds.add(id);
        revoked.add(r.json().get("token").asText());
      });
      burst.awaitWrites(40, Duration.ofSeconds(30));
      burst.kill(first);
    }

    try (ServerProcess second = ServerProcess.serve(dir)) {
      Api api = second.api();
      assertThat(acknowledged).hasSizeGreaterThan(40);
      for (String token : acknowledged) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).as("acknowledged session").isEqualTo(200);
      }
      for (String token : revoked) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).as("revoked session").isEqualTo(401);
      }
      java.util.Set<String> created = new java.util.HashSet<>();
      java.util.Set<String> ended = new java.util.HashSet<>();
      boolean userEnded = false;
      for (JsonNode e : EventIds.entries(api)) {
        String type = e.get("type").asText();
        if (type.equals("session.created")) {
          created.add(e.get("session_id").asText());
        } else if (type.equals("session.revoked") && e.has("session_id")) {
          assertThat(e.get("reason").asText()).isEqualTo("deleted");
          ended.add(e.get("session_id").asText());
        } else if (type.equals("session.revoked") && "crash-user-1".equals(e.path("user_id").asText())) {
          assertThat(e.get("reason").asText()).isEqualTo("user");
          userEnded = true;
        }
      }
      assertThat(created).as("every acknowledged creation is in the log").containsAll(createdIds);
      assertThat(ended).as("every acknowledged revocation is in the log").containsAll(revokedIds);
      assertThat(userEnded).as("the user's revocation is in the log").isTrue();
    }
  }

  @Test
  void aSecondServerOnTheSameDataDirRefusesToStart(@TempDir Path dir) throws Exception {
    try (ServerProcess first = ServerProcess.serve(dir)) {
      ServerProcess second = ServerProcess.run(java.util.Map.of(), "serve", "--host", "127.0.0.1", "--port", "0",
          "--data-dir", dir.toString());
      int exit = second.awaitExit();
      assertThat(exit).isNotZero();
      assertThat(second.outputText()).contains("in use by another sessiond");
      assertThat(first.api().get("/health").status()).isEqualTo(200);
    }
  }
}
