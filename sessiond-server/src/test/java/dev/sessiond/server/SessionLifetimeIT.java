package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --session-idle-timeout} and {@code --session-max-lifetime} on the real command line:
 * a session unused for the idle timeout ends, each use slides its idle deadline
 * ({@code expires_at}), and none lives past its maximum lifetime however busy.
 *
 * <p>The test's clock is seconds. Every assertion is a bound that load cannot break: an answer
 * received before a deadline the server announced must still find the session, a request sent
 * after the deadline must not; the test's own client uses the session every 200 ms, far under
 * the 5 s idle timeout.
 */
class SessionLifetimeIT {

  static final Duration IDLE = Duration.ofSeconds(5);
  static final Duration LIFETIME = Duration.ofSeconds(12);
  /** How long past a deadline a test waits for the end before it gives up. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir
  static Path dir;
  static ServerProcess server;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.serve(dir, "--session-idle-timeout", IDLE.toSeconds() + "s",
        "--session-max-lifetime", LIFETIME.toSeconds() + "s");
    api = server.api();
    // The first answer checked loads the OpenAPI documents (seconds on a loaded machine): not inside a session's life.
    assertThat(api.get("/health").status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aSessionInUseStillEndsAtItsMaxLifetime() throws Exception {
    JsonNode s = api.createSession("lifetime-busy");
    String token = s.get("token").asText();
    Instant created = time(s, "created_at");
    Instant deadline = created.plus(LIFETIME);
    assertThat(time(s, "expires_at")).isEqualTo(created.plus(IDLE));

    Instant expires = time(s, "expires_at");
    boolean outlivedItsFirstIdleDeadline = false;
    while (true) {
      Instant sent = Instant.now();
      Api.Res r = api.get("/api/whoami", "Authorization", bearer(token));
      Instant received = Instant.now();
      if (r.status() != 200) {
        assertExpiredToken(r);
        assertThat(received).as("refused no earlier than the expiry the last answer announced").isAfterOrEqualTo(expires);
        assertThat(expires).as("it ended at its max lifetime, not idle (the test used it every 200 ms)")
            .isEqualTo(deadline);
        break;
      }
      assertThat(sent).as("accepted only before its max lifetime").isBefore(deadline);
      Instant lastSeen = time(r.json(), "last_seen_at");
      expires = time(r.json(), "expires_at");
      Instant slid = lastSeen.plus(IDLE);
      assertThat(expires).as("the idle deadline slides with use, up to the max lifetime")
          .isEqualTo(slid.isAfter(deadline) ? deadline : slid);
      outlivedItsFirstIdleDeadline |= sent.isAfter(created.plus(IDLE));
      assertThat(received).as("ended by " + PATIENCE + " after its max lifetime").isBefore(deadline.plus(PATIENCE));
      Thread.sleep(200);
    }
    assertThat(outlivedItsFirstIdleDeadline).as("use kept it past created_at + idle timeout").isTrue();
    assertSessionGone(s.get("id").asText(), token);
  }

  @Test
  void aSessionUnusedForTheIdleTimeoutEnds() throws Exception {
    JsonNode s = api.createSession("lifetime-idle");
    String id = s.get("id").asText();
    Instant created = time(s, "created_at");
    Instant expires = created.plus(IDLE);
    assertThat(time(s, "expires_at")).isEqualTo(expires);

    // An admin's look is no use of the session: it must not slide.
    awaitEnd(id, expires);
    assertSessionGone(id, s.get("token").asText());
  }

  @Test
  void useSlidesTheIdleDeadlineAndTheSessionOutlivesTheFirstOne() throws Exception {
    JsonNode s = api.createSession("lifetime-slide");
    String id = s.get("id").asText();
    String token = s.get("token").asText();
    Instant created = time(s, "created_at");
    Instant first = time(s, "expires_at");
    assertThat(first).isEqualTo(created.plus(IDLE));

    // Uses within a twentieth of the idle timeout of the last recorded one are not written; keep using until one is.
    JsonNode used;
    long giveUp = System.nanoTime() + PATIENCE.toNanos();
    do {
      Api.Res r = api.get("/api/whoami", "Authorization", bearer(token));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      used = r.json();
      assertThat(System.nanoTime()).as("a use moved expires_at").isLessThan(giveUp);
      Thread.sleep(50);
    } while (!time(used, "expires_at").isAfter(first));
    Instant lastSeen = time(used, "last_seen_at");
    Instant slid = time(used, "expires_at");
    assertThat(lastSeen).isAfter(created);
    assertThat(slid).isEqualTo(lastSeen.plus(IDLE));
    JsonNode stored = admin("/api/sessions/" + id).json();
    assertThat(time(stored, "last_seen_at")).isEqualTo(lastSeen);
    assertThat(time(stored, "expires_at")).isEqualTo(slid);
    assertThat(time(stored, "created_at")).isEqualTo(created);

    awaitEnd(id, slid);
    assertSessionGone(id, token);
  }

  /**
   * Looks at the session as an admin (no use) until it is gone: while the server still shows it,
   * the look was sent before {@code expires} and shows that deadline; it is gone from
   * {@code expires} on, and by {@link #PATIENCE} after.
   */
  private static void awaitEnd(String id, Instant expires) throws InterruptedException {
    while (true) {
      Instant sent = Instant.now();
      Api.Res r = admin("/api/sessions/" + id);
      Instant received = Instant.now();
      if (r.status() == 404) {
        assertThat(r.message()).isEqualTo("session not found");
        assertThat(received).as("gone no earlier than its expires_at").isAfterOrEqualTo(expires);
        return;
      }
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(sent).as("still shown only before its expires_at").isBefore(expires);
      assertThat(time(r.json(), "expires_at")).isEqualTo(expires);
      assertThat(received).as("gone by " + PATIENCE + " after its expires_at").isBefore(expires.plus(PATIENCE));
      Thread.sleep(100);
    }
  }

  private static void assertSessionGone(String id, String token) {
    Api.Res look = admin("/api/sessions/" + id);
    assertThat(look.status()).isEqualTo(404);
    assertThat(look.message()).isEqualTo("session not found");
    assertExpiredToken(api.get("/api/whoami", "Authorization", bearer(token)));
  }

  private static void assertExpiredToken(Api.Res r) {
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo("{\"message\":\"invalid or expired token\"}");
  }

  private static Api.Res admin(String path) {
    return api.get(path, "Authorization", bearer(TestServer.API_TOKEN));
  }

  private static Instant time(JsonNode session, String field) {
    return Instant.parse(session.get(field).asText());
  }
}
