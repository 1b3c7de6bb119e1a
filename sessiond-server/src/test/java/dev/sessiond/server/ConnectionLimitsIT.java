package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ceilings on what a caller may hold open, against a real server process: WebSockets per
 * session, per user and in all; long polls and event streams per caller and in all. Past one,
 * a JSON 429 with Retry-After (for a WebSocket, before the upgrade), and what was open before
 * keeps working. Every test ends with the server's counts back at 0: each place is given back
 * exactly once.
 */
class ConnectionLimitsIT {

  static final int PER_SESSION = 3;
  static final int PER_USER = 5;
  static final int STREAMS_PER_CALLER = 2;
  static final int STREAMS = 3;
  static final Duration SOON = Duration.ofSeconds(15);

  @TempDir
  static Path dir;
  static ServerProcess server;
  static Api api;
  final List<WsClient> sockets = new ArrayList<>();
  final List<HeldRequest> held = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.serve(dir, "--max-websockets-per-session", "" + PER_SESSION,
        "--max-websockets-per-user", "" + PER_USER, "--max-event-streams-per-caller", "" + STREAMS_PER_CALLER,
        "--max-event-streams", "" + STREAMS, "--ws-heartbeat", "1s");
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void everyPlaceIsGivenBack() throws Exception {
    sockets.forEach(s -> s.socket.abort());
    for (HeldRequest h : held) {
      h.close();
    }
    awaitGauge(api, "sessiond_websockets_open", 0);
    awaitGauge(api, "sessiond_event_streams_open", 0);
  }

  @Test
  void aSessionPastItsCapIsRefusedWith429AndItsOpenSocketsKeepWorking() throws Exception {
    String token = api.createSession("cap-session-" + System.nanoTime()).get("token").asText();
    for (int i = 0; i < PER_SESSION; i++) {
      open(token);
    }
    assertRefused(server.port(), token, "this session has " + PER_SESSION + " WebSockets open");
    for (WsClient s : sockets) {
      s.next("system/heartbeat");
      assertThat(s.closed).isNotDone();
    }
    // One closes: the session may open one again (once the server has seen the close).
    sockets.remove(0).socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    sockets.add(openWhenAllowed(server.port(), token));
  }

  @Test
  void aUserPastItsCapIsRefusedFromEveryOneOfItsSessions() throws Exception {
    String user = "cap-user-" + System.nanoTime();
    String first = api.createSession(user).get("token").asText();
    String second = api.createSession(user).get("token").asText();
    for (int i = 0; i < PER_SESSION; i++) {
      open(first);
    }
    for (int i = PER_SESSION; i < PER_USER; i++) {
      open(second);
    }
    assertRefused(server.port(), second, "this user has " + PER_USER + " WebSockets open");
    String third = api.createSession(user).get("token").asText();
    assertRefused(server.port(), third, "this user has " + PER_USER + " WebSockets open");
    // Another user is not held back, and the user's open sockets keep working.
    open(api.createSession("cap-other-" + System.nanoTime()).get("token").asText());
    for (WsClient s : sockets) {
      s.next("system/heartbeat");
    }
  }

  @Test
  void manyUpgradesAtOnceFromOneSessionGetExactlyItsCap() throws Exception {
    String token = api.createSession("cap-burst-" + System.nanoTime()).get("token").asText();
    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<WebSocket>> tries = new ArrayList<>();
    List<WsClient> clients = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      WsClient c = new WsClient();
      clients.add(c);
      tries.add(http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/ws?token=" + token), c));
    }
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < tries.size(); i++) {
      try {
        clients.get(i).socket = tries.get(i).get(30, TimeUnit.SECONDS);
        sockets.add(clients.get(i));
        accepted++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(429);
        refused++;
      }
    }
    assertThat(accepted).isEqualTo(PER_SESSION);
    assertThat(refused).isEqualTo(20 - PER_SESSION);
    assertThat(gauge(api, "sessiond_websockets_open")).isEqualTo(PER_SESSION);
  }

  @Test
  void theNodePastItsTotalRefusesEveryone() throws Exception {
    try (ServerProcess small = ServerProcess.serve(dir.resolve("small"), "--max-websockets", "4", "--ws-heartbeat", "1s")) {
      Api smallApi = small.api();
      List<WsClient> open = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          open.add(WsClient.connect(small.port(), smallApi.createSession("total-" + i).get("token").asText()));
        }
        String newcomer = smallApi.createSession("total-newcomer").get("token").asText();
        assertRefused(small.port(), newcomer, "this server holds as many WebSockets as it allows (4)");
        for (WsClient s : open) {
          s.next("system/heartbeat");
        }
        open.remove(0).socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        open.add(openWhenAllowed(small.port(), newcomer));
      } finally {
        open.forEach(s -> s.socket.abort());
      }
      awaitGauge(smallApi, "sessiond_websockets_open", 0);
    }
  }

  @Test
  void aCallerPastItsCapGets429ForALongPollAndAStreamWhileOthersAreServed() throws Exception {
    String admin = api.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    for (int i = 0; i < STREAMS_PER_CALLER; i++) {
      stream(admin);
    }
    Api.Res poll = api.get("/api/events?wait=30", "Authorization", bearer(admin));
    assertThat(poll.status()).isEqualTo(429);
    assertThat(poll.message()).contains("this caller holds " + STREAMS_PER_CALLER + " long polls and event streams");
    assertThat(poll.header("Retry-After")).isNotNull();
    Api.Res streamed = api.get("/api/events", "Authorization", bearer(admin), "Accept", "text/event-stream");
    assertThat(streamed.status()).isEqualTo(429);
    // An answer that holds nothing is not limited; the API token is a caller of its own.
    assertThat(api.get("/api/events?limit=1", "Authorization", bearer(admin)).status()).isEqualTo(200);
    stream(TestServer.API_TOKEN);
    // The first streams are still served.
    String user = "cap-stream-" + System.nanoTime();
    api.createSession(user);
    for (HeldRequest h : held) {
      h.await("\"user_id\":\"" + user + "\"", SOON);
    }
  }

  @Test
  void longPollsHoldTheirPlaceUntilAnswered() throws Exception {
    String admin = api.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    String user = "cap-poll-" + System.nanoTime();
    for (int i = 0; i < STREAMS_PER_CALLER; i++) {
      held.add(HeldRequest.get(server.port(), "/api/events?user_id=" + user + "&wait=60", "Authorization", bearer(admin)));
    }
    awaitGauge(api, "sessiond_event_streams_open", STREAMS_PER_CALLER);
    assertThat(api.get("/api/events", "Authorization", bearer(admin), "Accept", "text/event-stream").status())
        .isEqualTo(429);
    // Answered, they give their places back, and the caller may wait again.
    api.createSession(user);
    for (HeldRequest h : held) {
      assertThat(h.nextResponse(SOON)).startsWith("HTTP/1.1 200").contains(user);
    }
    awaitGauge(api, "sessiond_event_streams_open", 0);
    stream(admin);
  }

  @Test
  void theNodePastItsTotalOfStreamsRefusesEveryCaller() throws Exception {
    String first = api.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    String second = api.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    stream(first);
    stream(first);
    stream(TestServer.API_TOKEN);
    Api.Res refused = api.get("/api/events?wait=30", "Authorization", bearer(second));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.message()).contains("this server holds as many long polls and event streams as it allows (3)");
    held.remove(0).close();
    HeldRequest h = awaitStream(second);
    assertThat(h.status()).isEqualTo(200);
  }

  /** Opens a WebSocket that must be accepted. */
  private WsClient open(String token) {
    WsClient c = WsClient.connect(server.port(), token);
    sockets.add(c);
    return c;
  }

  /** Opens an event stream that must be accepted, and holds it. */
  private HeldRequest stream(String token) throws IOException {
    HeldRequest h = HeldRequest.get(server.port(), "/api/events", "Authorization", bearer(token), "Accept", "text/event-stream");
    held.add(h);
    h.await(": sessiond event log", SOON);
    return h;
  }

  /** Asks for an event stream until one is accepted (a place frees once the server has seen a close). */
  private HeldRequest awaitStream(String token) throws Exception {
    long deadline = System.nanoTime() + SOON.toNanos();
    while (true) {
      HeldRequest h = HeldRequest.get(server.port(), "/api/events", "Authorization", bearer(token), "Accept", "text/event-stream");
      held.add(h);
      h.await("HTTP/1.1 ", SOON);
      if (h.status() == 200) {
        return h;
      }
      assertThat(h.status()).isEqualTo(429);
      assertThat(System.nanoTime()).as("a stream accepted within " + SOON).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The refusal of an upgrade past a ceiling: a JSON 429 with Retry-After, before any upgrade. */
  static void assertRefused(int port, String token, String message) throws IOException {
    try (HeldRequest h = HeldRequest.get(port, "/api/ws?token=" + token, "Upgrade", "websocket", "Connection", "Upgrade",
        "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")) {
      String response = h.nextResponse(SOON);
      assertThat(h.status()).as(response).isEqualTo(429);
      assertThat(response).containsIgnoringCase("Retry-After: 5").containsIgnoringCase("Content-Type: application/json");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      assertThat(Api.JSON.readTree(body).path("message").asText()).contains(message);
    }
  }

  /** Opens a WebSocket, asking again while it is refused with 429, until a place is free. */
  static WsClient openWhenAllowed(int port, String token) throws Exception {
    long deadline = System.nanoTime() + SOON.toNanos();
    while (true) {
      try {
        return WsClient.connect(port, token);
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof WebSocketHandshakeException h) || h.getResponse().statusCode() != 429) {
          throw e;
        }
        assertThat(System.nanoTime()).as("a socket accepted within " + SOON).isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  /** A gauge of /metrics. */
  static double gauge(Api api, String name) {
    String metrics = api.get("/metrics").body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  static void awaitGauge(Api api, String name, double value) throws InterruptedException {
    long deadline = System.nanoTime() + SOON.toNanos();
    double now;
    while ((now = gauge(api, name)) != value) {
      assertThat(System.nanoTime()).as(name + " is " + now + ", not " + value + ", after " + SOON).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
