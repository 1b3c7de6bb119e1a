package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker does with a connection instead of a request: says nothing, sends a request
 * head one line at a time, or a body one byte at a time; each is closed once
 * --http-read-timeout has passed, and an idle keep-alive connection once --http-idle-timeout
 * has. What legitimately holds a connection longer and quieter than both (a long poll, an event
 * stream, a WebSocket) is not dropped. The server runs as its own process, from the jar.
 */
class SlowClientIT {

  static final Duration READ = Duration.ofSeconds(4);
  static final Duration IDLE = Duration.ofSeconds(8);
  /** How late past its deadline a close may be seen on a busy machine (timer, scheduling, the read loop). */
  static final Duration LATE = Duration.ofSeconds(3);
  static final int ATTACKERS = 30;

  @TempDir
  static Path dir;
  static ServerProcess server;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    // A heartbeat longer than both timeouts, so that a WebSocket can be quieter than them.
    server = ServerProcess.serve(dir, "--http-read-timeout", "4s", "--http-idle-timeout", "8s", "--ws-heartbeat", "30s");
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void thirtyConnectionsThatSayNothingAreClosedOnceTheReadTimeoutHasPassed() throws Exception {
    List<Duration> lives = attack(c -> {
      // nothing to send
    });
    assertThat(lives).hasSize(ATTACKERS).allSatisfy(this::closedOnTime);
  }

  @Test
  void thirtyHeadsSentOneLineASecondAreClosedOnceTheReadTimeoutHasPassed() throws Exception {
    List<Duration> lives = attack(() -> new Attack() {
      int line;

      @Override
      public void next(HeldRequest c) {
        // Each line is a complete, valid header: the head just never ends.
        c.send(line++ == 0 ? "GET /api/whoami HTTP/1.1\r\n" : "X-Slow-" + line + ": still here\r\n");
      }
    });
    assertThat(lives).hasSize(ATTACKERS).allSatisfy(this::closedOnTime);
  }

  @Test
  void aBodySentOneByteASecondIsClosedOnceTheReadTimeoutHasPassed() throws Exception {
    List<Duration> lives = attack(() -> new Attack() {
      boolean headSent;

      @Override
      public void next(HeldRequest c) {
        if (!headSent) {
          headSent = c.send("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: 200\r\n\r\n{");
        } else {
          c.send(" ");
        }
      }
    });
    assertThat(lives).hasSize(ATTACKERS).allSatisfy(this::closedOnTime);
  }

  @Test
  void aKeepAliveConnectionIsServedForLongerThanTheReadTimeoutThenClosedOnceIdle() throws Exception {
    try (HeldRequest c = HeldRequest.connect(server.port())) {
      // A request a second for longer than the read timeout: each is timed from its own first byte, not from connecting.
      long lastSent = 0;
      for (int i = 0; i < 6; i++) {
        lastSent = System.nanoTime();
        assertThat(c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).isTrue();
        assertThat(c.nextResponse(Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
        assertThat(c.readFor(Duration.ofSeconds(1))).as("closed while between requests").isFalse();
      }
      assertThat(c.readFor(IDLE.plus(LATE).plusSeconds(2))).as("closed once idle").isTrue();
      Duration idle = c.openFor().minus(Duration.ofNanos(lastSent - c.openedAt));
      assertThat(idle).isBetween(IDLE, IDLE.plus(LATE));
    }
  }

  @Test
  void aLongPollLongerThanBothTimeoutsIsAnswered() throws Exception {
    String user = "slow-poll-" + System.nanoTime();
    try (HeldRequest poll = HeldRequest.get(server.port(), "/api/events?user_id=" + user + "&wait=60",
        "Authorization", bearer(TestServer.API_TOKEN))) {
      assertThat(poll.readFor(IDLE.plus(LATE))).as("the long poll was dropped").isFalse();
      assertThat(poll.text()).isEmpty();
      api.createSession(user);
      assertThat(poll.nextResponse(Duration.ofSeconds(10))).startsWith("HTTP/1.1 200").contains(user);
    }
  }

  @Test
  void anEventStreamQuieterThanBothTimeoutsStaysOpen() throws Exception {
    String user = "slow-stream-" + System.nanoTime();
    try (HeldRequest stream = HeldRequest.get(server.port(), "/api/events?user_id=" + user,
        "Accept", "text/event-stream", "Authorization", bearer(TestServer.API_TOKEN))) {
      stream.await(": sessiond event log", Duration.ofSeconds(10));
      // Its keepalive comes every 15 s: the stream is silent for longer than both timeouts.
      assertThat(stream.readFor(IDLE.plus(LATE))).as("the event stream was dropped").isFalse();
      api.createSession(user);
      stream.await("\"user_id\":\"" + user + "\"", Duration.ofSeconds(10));
    }
  }

  @Test
  void aWebSocketQuieterThanBothTimeoutsStaysOpen() throws Exception {
    String user = "slow-socket-" + System.nanoTime();
    String token = api.createSession(user).get("token").asText();
    WsClient ws = WsClient.connect(server.port(), token + "&feed=own");
    try {
      ws.next("system/init");
      try {
        WsClient.Close close = ws.closed.get(IDLE.plus(LATE).toMillis(), TimeUnit.MILLISECONDS);
        throw new AssertionError("the WebSocket was closed: " + close);
      } catch (TimeoutException stillOpen) {
        // as it should be
      }
      api.createSession(user);
      ws.next("session/created", Duration.ofSeconds(10));
    } finally {
      ws.socket.abort();
    }
  }

  private void closedOnTime(Duration life) {
    assertThat(life).as("how long the connection lived").isBetween(READ, READ.plus(LATE));
  }

  /** One attacker's move, made about once a second until the server closes; one instance per connection. */
  private interface Attack {
    void next(HeldRequest c);
  }

  /** Opens {@link #ATTACKERS} connections at once, each making its moves; how long each lived. */
  private static List<Duration> attack(java.util.function.Supplier<Attack> moves) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS);
    try {
      List<Future<Duration>> all = new ArrayList<>();
      for (int i = 0; i < ATTACKERS; i++) {
        Attack attack = moves.get();
        all.add(pool.submit(() -> {
          try (HeldRequest c = HeldRequest.connect(server.port())) {
            long deadline = System.nanoTime() + READ.plus(LATE).plusSeconds(5).toNanos();
            while (!c.readFor(Duration.ofSeconds(1))) {
              if (System.nanoTime() > deadline) {
                throw new AssertionError("still open after " + READ.plus(LATE).plusSeconds(5) + "; it was sent: " + c.text());
              }
              attack.next(c);
            }
            return c.openFor();
          }
        }));
      }
      List<Duration> lives = new ArrayList<>();
      for (Future<Duration> f : all) {
        lives.add(f.get(60, TimeUnit.SECONDS));
      }
      return lives;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Duration> attack(Attack sameForAll) throws Exception {
    return attack(() -> sameForAll);
  }
}
