package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state.is_watching}, which the README says mirrors {@code is_connected} (sessiond has no
 * media): in every view of a session (an admin's, the admin list, its own whoami and "your
 * devices", the admin feed, {@code system/init}) through its whole life: never connected,
 * connected, closed by the client (true for {@code --ws-reconnect-grace}, then false), and
 * dropped by an admin (false at once).
 */
class IsWatchingIT {

  static final Duration GRACE = Duration.ofSeconds(2);
  static final String USER = "watching-subject";

  @Test
  void isWatchingFollowsIsConnectedInEveryViewThroughASessionsLife(@TempDir Path dir) throws Exception {
    try (ServerProcess server = ServerProcess.serve(dir, "--ws-reconnect-grace", GRACE.toSeconds() + "s")) {
      Api api = server.api();
      String admin = api.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
      WsClient feed = WsClient.connect(server.port(), admin);
      feed.next("system/init");

      JsonNode s = api.createSession(USER);
      String id = s.get("id").asText();
      String token = s.get("token").asText();
      assertState(s.get("state"), false, 0);
      assertThat(s.get("state").has("connected_since")).isFalse();
      for (JsonNode state : views(api, id, token)) {
        assertState(state, false, 0);
      }

      WsClient socket = WsClient.connect(server.port(), token);
      JsonNode init = socket.next("system/init").at("/payload/sessions/" + id + "/state");
      assertThat(init.get("is_watching").asBoolean()).isEqualTo(init.get("is_connected").asBoolean());
      assertState(feedState(feed, id, true), true, 1);
      for (JsonNode state : views(api, id, token)) {
        assertState(state, true, 1);
        assertThat(state.has("connected_since")).isTrue();
      }

      // The client closes its last socket: still watching for the grace, then not.
      Instant closed = Instant.now();
      socket.socket.sendClose(1000, "reload").join();
      long giveUp = System.nanoTime() + GRACE.plusSeconds(10).toNanos();
      while (true) {
        List<JsonNode> seen = views(api, id, token);
        Instant received = Instant.now();
        boolean connected = seen.get(0).get("is_connected").asBoolean();
        for (JsonNode state : seen) {
          assertThat(state.get("is_watching").asBoolean()).as(state.toString()).isEqualTo(state.get("is_connected").asBoolean());
        }
        if (received.isBefore(closed.plus(GRACE))) {
          assertThat(connected).as("still connected within the grace: " + seen).isTrue();
        }
        if (!connected) {
          for (JsonNode state : seen) {
            assertState(state, false, 0);
            assertThat(state.has("not_connected_since")).isTrue();
          }
          break;
        }
        assertThat(System.nanoTime()).as("not connected once the grace is over").isLessThan(giveUp);
        Thread.sleep(100);
      }
      assertState(feedState(feed, id, false), false, 0);

      // An admin's disconnect has no grace: not watching as soon as it has returned.
      WsClient again = WsClient.connect(server.port(), token);
      again.next("system/init");
      assertState(feedState(feed, id, true), true, 1);
      assertThat(api.post("/api/sessions/" + id + "/disconnect", null, "Authorization", bearer(admin)).status())
          .isEqualTo(204);
      for (JsonNode state : views(api, id, token)) {
        assertState(state, false, 0);
      }
      assertState(feedState(feed, id, false), false, 0);
      assertThat(again.awaitClose().code()).isEqualTo(4001);
      feed.socket.sendClose(1000, "bye").join();
    }
  }

  /** {@code state.is_watching} equals {@code is_connected}, which is {@code connected}. */
  private static void assertState(JsonNode state, boolean connected, int connections) {
    assertThat(state.get("is_connected").asBoolean()).as(state.toString()).isEqualTo(connected);
    assertThat(state.get("is_watching").isBoolean()).as(state.toString()).isTrue();
    assertThat(state.get("is_watching").asBoolean()).as(state.toString()).isEqualTo(connected);
    assertThat(state.get("connections").asInt()).as(state.toString()).isEqualTo(connections);
  }

  /** The session's state as an admin sees it, in the admin list, in its own whoami and in its own devices list. */
  private static List<JsonNode> views(Api api, String id, String token) {
    List<JsonNode> states = new ArrayList<>();
    states.add(ok(api.get("/api/sessions/" + id, "Authorization", bearer(TestServer.API_TOKEN))).get("state"));
    for (JsonNode s : ok(api.get("/api/sessions?user_id=" + USER, "Authorization", bearer(TestServer.API_TOKEN)))) {
      states.add(s.get("state"));
    }
    states.add(ok(api.get("/api/whoami", "Authorization", bearer(token))).get("state"));
    for (JsonNode s : ok(api.get("/api/me/sessions", "Authorization", bearer(token)))) {
      states.add(s.get("state"));
    }
    assertThat(states).hasSize(4);
    return states;
  }

  private static JsonNode ok(Api.Res r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** The next {@code session/state} frame of the admin feed for {@code id} saying {@code connected}. */
  private static JsonNode feedState(WsClient feed, String id, boolean connected) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      JsonNode m = feed.next("session/state");
      if (m.at("/payload/id").asText().equals(id) && m.at("/payload/state/is_connected").asBoolean() == connected) {
        assertThat(m.at("/payload/user_id").asText()).isEqualTo(USER);
        return m.at("/payload/state");
      }
    }
    throw new AssertionError("no session/state for " + id + " with is_connected " + connected);
  }
}
