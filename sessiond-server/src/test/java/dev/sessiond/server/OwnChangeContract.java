package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node that took a call answers with its change already in place: right after a
 * disconnect's 204 (or a revocation's), that node's {@code GET /api/sessions/{id}}, its
 * {@code /api/stats} and its admin feed all show it, while the session's socket is held by the
 * other node. Fifty times each, with HTTP load on both nodes beside it. A subclass starts the
 * nodes: one embedded server (both nodes are the same), two on Redis, two on a Redis Cluster.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class OwnChangeContract {

  static final int ROUNDS = 50;
  static final String AUTH = bearer(TestServer.API_TOKEN);
  /** The node that takes the calls, and the one that holds the sockets. */
  static Api a;
  static Api b;
  static int portA;
  static int portB;

  private final AtomicBoolean loading = new AtomicBoolean();
  private final List<Thread> load = new ArrayList<>();
  private final ConcurrentLinkedQueue<Throwable> loadFailures = new ConcurrentLinkedQueue<>();
  private final AtomicLong loadRequests = new AtomicLong();
  /** An admin's socket on node A, open for the whole class (a closed one would count during its grace). */
  private static WsClient adminFeed;

  @BeforeEach
  void startLoadAndAdminFeed() throws Exception {
    if (adminFeed == null) {
      adminFeed = WsClient.connect(portA, a.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD));
      adminFeed.next("system/init", java.time.Duration.ofSeconds(30));
    }
    loading.set(true);
    // Two clients per node: verify a session, and create and revoke another, as fast as they answer.
    for (Api node : new Api[] {a, b}) {
      JsonNode kept = node.createSession("own-change-load");
      load.add(loop(() -> assertThat(node.get("/api/whoami", "Authorization", bearer(kept.get("token").asText()))
          .status()).isEqualTo(200)));
      load.add(loop(() -> {
        JsonNode s = node.createSession("own-change-churn");
        assertThat(node.delete("/api/sessions/" + s.get("id").asText(), "Authorization", AUTH).status()).isEqualTo(204);
      }));
    }
    load.forEach(Thread::start);
  }

  @AfterEach
  void stopLoad() throws Exception {
    loading.set(false);
    for (Thread t : load) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(t.isAlive()).as("a load client still running after 60 s").isFalse();
    }
    assertThat(loadFailures).as("the load beside the test").isEmpty();
    assertThat(loadRequests.get()).as("load requests made beside the rounds").isGreaterThan(ROUNDS);
  }

  @AfterAll
  static void closeAdminFeed() {
    adminFeed.socket.abort();
    adminFeed = null;
  }

  @Test
  void aDisconnectIsInPlaceOnTheNodeThatAnsweredIt() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Held held = holdOnB("own-change-disconnect-" + round);

      assertThat(a.post("/api/sessions/" + held.id + "/disconnect", null, "Authorization", AUTH).status()).isEqualTo(204);

      JsonNode state = a.get("/api/sessions/" + held.id, "Authorization", AUTH).json().get("state");
      assertThat(state.get("is_connected").asBoolean()).as("round %d: is_connected right after the 204", round).isFalse();
      assertThat(state.get("connections").asInt()).as("round %d: connections right after the 204", round).isZero();
      assertThat(connectedOnA()).as("round %d: /api/stats counts only the admin's own socket", round).isEqualTo(1);
      adminFrame("session/state", held.id, m -> !m.at("/payload/state/is_connected").asBoolean());
      assertThat(held.socket.awaitClose().code()).isEqualTo(4001);
    }
  }

  @Test
  void aRevocationIsInPlaceOnTheNodeThatAnsweredIt() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Held held = holdOnB("own-change-revoke-" + round);

      assertThat(a.delete("/api/sessions/" + held.id, "Authorization", AUTH).status()).isEqualTo(204);

      assertThat(a.get("/api/sessions/" + held.id, "Authorization", AUTH).status()).as("round %d", round).isEqualTo(404);
      assertThat(connectedOnA()).as("round %d: /api/stats counts only the admin's own socket", round).isEqualTo(1);
      adminFrame("session/deleted", held.id, m -> true);
      assertThat(held.socket.awaitClose().code()).isEqualTo(4003);
    }
  }

  /** A session of its own user with one socket on node B, once node A counts that socket. */
  private Held holdOnB(String user) throws Exception {
    JsonNode s = a.createSession(user);
    String id = s.get("id").asText();
    WsClient socket = WsClient.connect(portB, s.get("token").asText());
    socket.next("system/init", java.time.Duration.ofSeconds(30));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (a.get("/api/sessions/" + id, "Authorization", AUTH).json().at("/state/connections").asInt() != 1) {
      assertThat(System.nanoTime()).as("node A never counted the socket node B holds").isLessThan(deadline);
      Thread.sleep(10);
    }
    return new Held(id, socket);
  }

  private record Held(String id, WsClient socket) {}

  private long connectedOnA() {
    return a.get("/api/stats", "Authorization", AUTH).json().get("connected").asLong();
  }

  /**
   * Waits for the admin feed's frame {@code event} about session {@code id} that {@code shows} the
   * change (earlier frames about it, such as its socket opening, are skipped). It was pushed before
   * the answer left, so it comes at once; the deadline only bounds a
   * failure (on a busy machine a frame can take seconds to be read).
   */
  private static void adminFrame(String event, String id, Predicate<JsonNode> shows) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      JsonNode m = adminFeed.messages.poll(50, TimeUnit.MILLISECONDS);
      if (m != null && m.path("event").asText().equals(event) && m.at("/payload/id").asText().equals(id)
          && shows.test(m)) {
        return;
      }
    }
    throw new AssertionError("the admin feed on node A never showed " + event + " for " + id);
  }

  private Thread loop(ThrowingRunnable request) {
    Thread t = new Thread(() -> {
      while (loading.get()) {
        try {
          request.run();
          loadRequests.incrementAndGet();
        } catch (Throwable e) {
          loadFailures.add(e);
          return;
        }
      }
    }, "own-change-load");
    t.setDaemon(true);
    return t;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
