package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live connections: handshake, presence, disconnect, revocation pushes, the admin feed, bad frames. */
class WebSocketIT {

  /**
   * This server's heartbeat and reconnect grace: short, to keep the class quick, yet each several
   * times what a busy machine delays a timer, a pong or a poll by (a heartbeat of 300 ms dropped a
   * socket whose pong came 700 ms late, and a grace of 600 ms could end before a poll saw it).
   */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  static final Duration GRACE = Duration.ofSeconds(2);
  /** How long a poll may take beyond what a promise allows, on a busy machine. */
  static final Duration SLACK = Duration.ofSeconds(5);

  @TempDir
  static Path dir;
  static TestServer server;
  static Api api;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir, c -> new Config(c.host(), c.port(), c.store(), c.dataDir(), c.adminUser(),
        c.adminPassword(), c.apiToken(), c.policy(), false, true, HEARTBEAT, GRACE,
        c.redisUri(), c.redisClusterUris(), c.redisWaitReplicas(), c.forwardAuth(), c.corsOrigins(), c.webhooks()));
    api = server.api;
    admin = server.adminToken();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String auth(String token) {
    return bearer(token);
  }

  private static JsonNode session(String id) {
    return api.get("/api/sessions/" + id, "Authorization", auth(admin)).json();
  }

  private static String member(String name, String profile) {
    Api.Res r = api.post("/api/members", "{\"username\":\"" + name + "\",\"password\":\"pw-" + name + "\""
        + (profile == null ? "" : ",\"profile\":" + profile) + "}", "Authorization", auth(admin));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  @Test
  void anUpgradeWithoutAValidSessionIsRefusedWith401() {
    assertThat(WsClient.refusal(server.port(), null)).isEqualTo(401);
    assertThat(WsClient.refusal(server.port(), "forged-token-that-was-never-issued")).isEqualTo(401);
    Api.Res plain = api.get("/api/ws?token=forged");
    assertThat(plain.status()).isEqualTo(401);
    Api.Res notAnUpgrade = api.get("/api/ws", "Authorization", auth(admin));
    assertThat(notAnUpgrade.status()).isEqualTo(400);
    assertThat(notAnUpgrade.message()).contains("WebSocket upgrade");
  }

  @Test
  void aProfileThatMayNotConnectIsRefusedWith403() {
    member("no-connect", "{\"can_connect\":false}");
    String token = api.login("no-connect", "pw-no-connect");
    assertThat(WsClient.refusal(server.port(), token)).isEqualTo(403);
  }

  @Test
  void onConnectTheServerSaysWhoTheSocketBelongsTo() throws Exception {
    JsonNode s = api.createSession("ws-init");
    WsClient ws = WsClient.connect(server.port(), s.get("token").asText());

    JsonNode init = ws.next("system/init");

    assertThat(init.at("/payload/session_id").asText()).isEqualTo(s.get("id").asText());
    assertThat(init.at("/payload/user_id").asText()).isEqualTo("ws-init");
    assertThat(init.at("/payload/profile/can_connect").asBoolean()).isTrue();
    assertThat(init.at("/payload/sessions/" + s.get("id").asText() + "/user_id").asText()).isEqualTo("ws-init");
    assertThat(init.at("/payload/control_host/has_host").asBoolean(true)).isFalse();
    assertThat(init.at("/payload/webrtc/videos").isArray()).isTrue();
  }

  @Test
  void everySocketGetsNekosHeartbeatEventAtTheHeartbeatInterval() throws Exception {
    JsonNode s = api.createSession("ws-heartbeat");
    WsClient ws = WsClient.connect(server.port(), s.get("token").asText());
    ws.next("system/init");

    assertThat(ws.next("system/heartbeat").has("payload")).isFalse();
    assertThat(ws.next("system/heartbeat")).isNotNull();
  }

  @Test
  void aSessionMayHoldSeveralSocketsAndItsStateCountsThem() throws Exception {
    JsonNode s = api.createSession("ws-tabs");
    String id = s.get("id").asText();
    WsClient a = WsClient.connect(server.port(), s.get("token").asText());
    WsClient b = WsClient.connect(server.port(), s.get("token").asText());
    a.next("system/init");
    b.next("system/init");

    JsonNode state = session(id).get("state");
    assertThat(state.get("is_connected").asBoolean()).isTrue();
    assertThat(state.get("connections").asInt()).isEqualTo(2);
    assertThat(state.has("connected_since")).isTrue();

    a.socket.sendClose(1000, "bye").join();
    b.socket.sendClose(1000, "bye").join();
    // A client closing its own sockets keeps is_connected for the reconnect grace, then loses it.
    awaitState(id, st -> st.get("connections").asInt() == 0 && st.get("is_connected").asBoolean(), GRACE);
    awaitState(id, st -> !st.get("is_connected").asBoolean() && st.has("not_connected_since"), GRACE.plus(SLACK));
  }

  @Test
  void aReconnectWithinTheGraceWindowDoesNotFlapTheState() throws Exception {
    JsonNode s = api.createSession("ws-reload");
    String id = s.get("id").asText();
    String since;
    WsClient first = WsClient.connect(server.port(), s.get("token").asText());
    first.next("system/init");
    since = session(id).at("/state/connected_since").asText();
    first.socket.sendClose(1000, "reload").join();
    WsClient second = WsClient.connect(server.port(), s.get("token").asText());
    second.next("system/init");
    // Past the end of the first socket's grace (by half a grace): nothing may have flapped meanwhile.
    Thread.sleep(GRACE.multipliedBy(3).dividedBy(2).toMillis());

    JsonNode state = session(id).get("state");
    assertThat(state.get("is_connected").asBoolean()).isTrue();
    assertThat(state.get("connected_since").asText()).isEqualTo(since);
  }

  @Test
  void disconnectClosesEverySocketButKeepsTheSession() throws Exception {
    JsonNode s = api.createSession("ws-disconnect");
    String token = s.get("token").asText();
    WsClient a = WsClient.connect(server.port(), token);
    WsClient b = WsClient.connect(server.port(), token);
    a.next("system/init");
    b.next("system/init");

    WsClient feed = WsClient.connect(server.port(), admin);
    feed.next("system/init");
    String id = s.get("id").asText();
    awaitState(id, st -> st.get("connections").asInt() == 2, SLACK);

    assertThat(api.post("/api/sessions/" + id + "/disconnect", null, "Authorization", auth(admin))
        .status()).isEqualTo(204);

    JsonNode state = session(id).get("state");
    assertThat(state.get("is_connected").asBoolean()).as("no reconnect grace after an admin's disconnect").isFalse();
    assertThat(state.get("connections").asInt()).isZero();
    assertThat(state.has("not_connected_since")).isTrue();
    JsonNode pushed;
    do {
      pushed = awaitFeed(feed, "session/state", id);
    } while (pushed.at("/payload/state/connections").asInt() != 0);
    assertThat(pushed.at("/payload/state/is_connected").asBoolean()).isFalse();

    for (WsClient c : new WsClient[] {a, b}) {
      assertThat(c.next("system/disconnect").at("/payload/message").asText()).contains("still valid");
      assertThat(c.awaitClose().code()).isEqualTo(4001);
    }
    assertThat(api.get("/api/whoami", "Authorization", auth(token)).status()).isEqualTo(200);
    WsClient again = WsClient.connect(server.port(), token);
    assertThat(again.next("system/init")).isNotNull();
  }

  @Test
  void logoutClosesTheSocketsWith4002AndForbidsReconnect() throws Exception {
    member("ws-logout", null);
    String token = api.login("ws-logout", "pw-ws-logout");
    WsClient ws = WsClient.connect(server.port(), token);
    ws.next("system/init");

    api.post("/api/logout", null, "Authorization", auth(token));

    assertRevoked(ws, token, 4002);
  }

  @Test
  void deletingTheSessionClosesItsSocketsWith4003() throws Exception {
    JsonNode s = api.createSession("ws-delete");
    WsClient ws = WsClient.connect(server.port(), s.get("token").asText());
    ws.next("system/init");

    api.delete("/api/sessions/" + s.get("id").asText(), "Authorization", auth(admin));

    assertRevoked(ws, s.get("token").asText(), 4003);
  }

  @Test
  void interruptingTheUserClosesEverySocketOfEachOfItsSessionsWith4004() throws Exception {
    JsonNode s1 = api.createSession("ws-user");
    JsonNode s2 = api.createSession("ws-user");
    WsClient a = WsClient.connect(server.port(), s1.get("token").asText());
    WsClient b = WsClient.connect(server.port(), s2.get("token").asText());
    a.next("system/init");
    b.next("system/init");

    assertThat(api.delete("/sessions/ws-user", "Authorization", auth(admin)).json().get("DeletedCount").asInt()).isEqualTo(2);

    assertRevoked(a, s1.get("token").asText(), 4004);
    assertRevoked(b, s2.get("token").asText(), 4004);
  }

  @Test
  void deletingOrRepasswordingAMemberClosesItsSocketsWith4006() throws Exception {
    String deleted = member("ws-member-deleted", null);
    String tokenD = api.login("ws-member-deleted", "pw-ws-member-deleted");
    WsClient d = WsClient.connect(server.port(), tokenD);
    d.next("system/init");
    api.delete("/api/members/" + deleted, "Authorization", auth(admin));
    assertRevoked(d, tokenD, 4006);

    String changed = member("ws-member-pw", null);
    String tokenP = api.login("ws-member-pw", "pw-ws-member-pw");
    WsClient p = WsClient.connect(server.port(), tokenP);
    p.next("system/init");
    api.post("/api/members/" + changed + "/password", "{\"password\":\"new-password\"}", "Authorization", auth(admin));
    assertRevoked(p, tokenP, 4006);
  }

  @Test
  void expiryClosesTheSocketWith4007() throws Exception {
    // Long enough to connect first on a busy machine; expiry is noticed within a heartbeat.
    Duration ttl = Duration.ofSeconds(3);
    Api.Res r = api.post("/api/sessions", "{\"user_id\":\"ws-expiring\",\"ttl\":" + ttl.toSeconds() + "}",
        "Authorization", auth(admin));
    String token = r.json().get("token").asText();
    WsClient ws = WsClient.connect(server.port(), token);
    ws.next("system/init");

    assertThat(ws.next("system/disconnect", ttl.plus(HEARTBEAT).plus(SLACK)).at("/payload/message").asText()).isNotEmpty();
    assertThat(ws.awaitClose().code()).isEqualTo(4007);
    assertThat(WsClient.refusal(server.port(), token)).isEqualTo(401);
  }

  @Test
  void theAdminFeedShowsCreationsStateChangesAndDeletions() throws Exception {
    WsClient feed = WsClient.connect(server.port(), admin);
    feed.next("system/init");

    JsonNode s = api.createSession("ws-feed-subject");
    String id = s.get("id").asText();
    JsonNode created = awaitFeed(feed, "session/created", id);
    assertThat(created.at("/payload/user_id").asText()).isEqualTo("ws-feed-subject");

    WsClient subject = WsClient.connect(server.port(), s.get("token").asText());
    subject.next("system/init");
    JsonNode state = awaitFeed(feed, "session/state", id);
    assertThat(state.at("/payload/state/is_connected").asBoolean()).isTrue();

    api.delete("/api/sessions/" + id, "Authorization", auth(admin));
    JsonNode deleted = awaitFeed(feed, "session/deleted", id);
    assertThat(deleted.at("/payload/reason").asText()).isEqualTo("revoked");
  }

  @Test
  void aSilentPeerIsDroppedAfterMissedHeartbeats() throws Exception {
    JsonNode s = api.createSession("ws-silent");
    String id = s.get("id").asText();
    try (Socket raw = new Socket("127.0.0.1", server.port())) {
      OutputStream out = raw.getOutputStream();
      out.write(("GET /api/ws?token=" + s.get("token").asText() + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = raw.getInputStream();
      byte[] head = new byte[12];
      assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
      awaitState(id, st -> st.get("connections").asInt() == 1, SLACK);
      // Never answer a ping: the server gives up on this peer at the first heartbeat two heartbeats
      // after the last sign of life.
      awaitState(id, st -> st.get("connections").asInt() == 0, HEARTBEAT.multipliedBy(3).plus(SLACK));
    }
  }

  @Test
  void badFramesCloseOnlyTheOffendingConnection() throws Exception {
    JsonNode s = api.createSession("ws-bad-frames");
    String token = s.get("token").asText();
    WsClient bystander = WsClient.connect(server.port(), token);
    bystander.next("system/init");

    WsClient binary = WsClient.connect(server.port(), token);
    binary.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
    assertThat(binary.awaitClose().code()).isEqualTo(1003);

    WsClient notJson = WsClient.connect(server.port(), token);
    notJson.send("{not json");
    assertThat(notJson.awaitClose().code()).isEqualTo(1007);

    WsClient noEvent = WsClient.connect(server.port(), token);
    noEvent.send("[1,2,3]");
    assertThat(noEvent.awaitClose().code()).isEqualTo(1007);

    WsClient big = WsClient.connect(server.port(), token);
    big.send("{\"event\":\"x\",\"payload\":\"" + "a".repeat(100 * 1024) + "\"}");
    assertThat(big.awaitClose().code()).isEqualTo(1009);

    // Far more than the 20 a second allowed, even if each send takes a busy machine 10 ms.
    WsClient flood = WsClient.connect(server.port(), token);
    for (int i = 0; i < 400 && !flood.closed.isDone(); i++) {
      try {
        flood.send("{\"event\":\"client/heartbeat\"}");
      } catch (RuntimeException closedMeanwhile) {
        break;
      }
    }
    assertThat(flood.awaitClose().code()).isEqualTo(1008);

    bystander.send("{\"event\":\"client/heartbeat\"}");
    Thread.sleep(1000);   // time for a wrong close of the bystander to arrive
    assertThat(bystander.closed).isNotDone();
    assertThat(session(s.get("id").asText()).at("/state/connections").asInt()).isEqualTo(1);
    assertThat(api.get("/health").status()).isEqualTo(200);
  }

  private static void assertRevoked(WsClient ws, String token, int code) throws InterruptedException {
    assertThat(ws.next("system/disconnect").at("/payload/message").asText()).isNotEmpty();
    assertThat(ws.awaitClose().code()).isEqualTo(code);
    assertThat(WsClient.refusal(server.port(), token)).isEqualTo(401);
  }

  private static JsonNode awaitFeed(WsClient feed, String event, String sessionId) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      JsonNode m = feed.next(event);
      if (m.at("/payload/id").asText().equals(sessionId)) {
        return m;
      }
    }
    throw new AssertionError("no " + event + " for " + sessionId);
  }

  private static void awaitState(String id, java.util.function.Predicate<JsonNode> condition, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    JsonNode state = null;
    while (System.nanoTime() < deadline) {
      state = session(id).get("state");
      if (condition.test(state)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("state never matched within " + within + "; last: " + state);
  }
}
