package dev.sessiond.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.core.SessionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against the real server on its embedded store: a miss asks once and caches, a hit
 * does no I/O, every kind of revocation and a profile change reach the cache through the event
 * log, and a deleted key's feed closes (the client then asks sessiond every time).
 */
class SessiondClientIT {

  @TempDir
  static Path dir;
  static Sessiond server;
  static SessiondClient client;

  @BeforeAll
  static void start() throws Exception {
    server = Sessiond.embedded(dir);
    client = SessiondClient.builder(server.uri).apiKey(server.key("verify")).build();
    assertThat(client.stats().feedAlive()).as("the feed opened within build()").isTrue();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  /** Verifies until the token is refused; how long that took after the call that ended it returned. */
  static Duration refusedWithin(SessiondClient c, String token, Duration bound) {
    long start = System.nanoTime();
    long deadline = start + bound.toNanos();
    while (c.verify(token).isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("token still accepted " + bound + " after its revocation");
      }
      Thread.onSpinWait();
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aMissAsksOnceAndTheNextVerifiesAreHits() {
    JsonNode s = server.session("app:hits");
    String token = s.get("token").asText();
    long misses = client.stats().misses();
    long hits = client.stats().hits();
    VerifiedSession v = client.verify(token).orElseThrow();
    assertThat(v.id()).isEqualTo(s.get("id").asText());
    assertThat(v.userId()).isEqualTo("app:hits");
    assertThat(v.profile().isAdmin()).isFalse();
    assertThat(v.expiresAt()).isAfter(Instant.now());
    for (int i = 0; i < 1000; i++) {
      assertThat(client.verify(token)).contains(v);
    }
    assertThat(client.stats().misses() - misses).isEqualTo(1);
    assertThat(client.stats().hits() - hits).isEqualTo(1000);
    assertThat(client.verify("not-a-token")).isEmpty();
    assertThat(client.verify("")).isEmpty();
    assertThat(client.verify(null)).isEmpty();
  }

  @Test
  void everyKindOfRevocationRefusesTheCachedTokenWithinMilliseconds() {
    revoked("one session", t -> server.admin("DELETE", "/api/sessions/" + t.get("id").asText(), null, 204));
    revoked("a user's sessions", t -> server.admin("DELETE", "/sessions/" + t.get("user_id").asText(), null, 200));
    revoked("a logout", t -> assertThat(server.call("POST", "/api/logout", null, t.get("token").asText()).status()).isEqualTo(204));
    revoked("everyone", t -> server.admin("POST", "/sessions/clear", null, 200));
    String member = server.admin("POST", "/api/members", "{\"username\":\"gone\",\"password\":\"pw-gone-123\"}", 200)
        .json().get("id").asText();
    revoked("a member deleted", member, t -> server.admin("DELETE", "/api/members/" + member, null, 204));
    String other = server.admin("POST", "/api/members", "{\"username\":\"reset\",\"password\":\"pw-reset-123\"}", 200)
        .json().get("id").asText();
    revoked("a password reset", other,
        t -> server.admin("POST", "/api/members/" + other + "/password", "{\"password\":\"pw-reset-456\"}", 204));
  }

  private void revoked(String what, Consumer<JsonNode> revoke) {
    revoked(what, "app:" + what.replace(' ', '-').replace("'", ""), revoke);
  }

  private void revoked(String what, String userId, Consumer<JsonNode> revoke) {
    JsonNode s = server.session(userId);
    String token = s.get("token").asText();
    assertThat(client.verify(token)).as(what).isPresent();
    assertThat(client.verify(token)).as(what).isPresent();   // now a hit
    revoke.accept(s);
    Duration took = refusedWithin(client, token, Duration.ofSeconds(5));
    assertThat(client.verify(token)).as(what).isEmpty();
    System.out.println("client: " + what + " refused " + took.toNanos() / 1000 + " µs after the call returned");
  }

  @Test
  void aProfileChangeReachesTheCache() {
    String member = server.admin("POST", "/api/members", "{\"username\":\"promoted\",\"password\":\"pw-promoted-1\"}", 200)
        .json().get("id").asText();
    JsonNode s = server.session(member);
    String token = s.get("token").asText();
    assertThat(client.verify(token).orElseThrow().profile().isAdmin()).isFalse();
    server.admin("POST", "/api/members/" + member, "{\"is_admin\":true}", 204);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!client.verify(token).orElseThrow().profile().isAdmin()) {
      assertThat(System.nanoTime()).as("the new profile within 5 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aKeyWithoutTheVerifyScopeIsRefusedTheFeedAndTheClientAsksEveryTime() {
    try (SessiondClient narrow = SessiondClient.builder(server.uri).apiKey(server.key("sessions"))
        .startWait(Duration.ofSeconds(2)).build()) {
      assertThat(narrow.stats().feedAlive()).isFalse();
      String token = server.session("app:narrow").get("token").asText();
      long misses = narrow.stats().misses();
      assertThat(narrow.verify(token)).isPresent();
      assertThat(narrow.verify(token)).isPresent();
      assertThat(narrow.stats().misses() - misses).isEqualTo(2);
      assertThat(narrow.stats().hits()).isZero();
    }
  }

  @Test
  void aDeletedKeysFeedClosesAndTheCacheIsDroppedWithinTheBound() throws Exception {
    JsonNode k = server.admin("POST", "/api/keys", "{\"name\":\"doomed\",\"scopes\":[\"verify\"]}", 201).json();
    try (SessiondClient doomed = SessiondClient.builder(server.uri).apiKey(k.get("key").asText())
        .feedLossBound(Duration.ofSeconds(2)).build()) {
      String token = server.session("app:doomed").get("token").asText();
      doomed.verify(token);
      assertThat(doomed.verify(token)).isPresent();
      assertThat(doomed.stats().hits()).isEqualTo(1);
      server.admin("DELETE", "/api/keys/" + k.get("id").asText(), null, 204);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (doomed.stats().feedAlive() || doomed.stats().size() > 0) {
        assertThat(System.nanoTime()).as("the cache dropped within the bound").isLessThan(deadline);
        Thread.sleep(20);
      }
      long misses = doomed.stats().misses();
      assertThat(doomed.verify(token)).isPresent();
      assertThat(doomed.stats().misses() - misses).isEqualTo(1);
    }
  }

  @Test
  void usesServedFromTheCacheSlideTheSessionAsWhoamiWould() throws Exception {
    try (Sessiond idle = Sessiond.embedded(dir.resolve("idle"), new SessionPolicy(Duration.ofSeconds(4), Duration.ofHours(1),
            100, SessionPolicy.OnLimit.EVICT_OLDEST));
        SessiondClient c = SessiondClient.builder(idle.uri).apiKey(idle.key("verify")).reportEvery(Duration.ofMillis(200))
            .build()) {
      JsonNode s = idle.session("app:slider");
      String token = s.get("token").asText();
      Instant firstDeadline = c.verify(token).orElseThrow().expiresAt();
      // Used only through the cache for three idle timeouts: it stays alive, its deadline moving on.
      long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      while (System.nanoTime() < end) {
        assertThat(c.verify(token)).as("still alive while used").isPresent();
        Thread.sleep(50);
      }
      Remote.Res seen = idle.admin("GET", "/api/sessions/" + s.get("id").asText(), null, 200);
      assertThat(Instant.parse(seen.json().get("expires_at").asText())).isAfter(firstDeadline.plusSeconds(6));
      assertThat(c.verify(token).orElseThrow().expiresAt()).isAfter(firstDeadline.plusSeconds(6));
      assertThat(c.stats().usesReported()).isPositive();
      // Then left alone (a verify would be a use): it ends by idleness once its last use report has moved its
      // deadline for the last time. Waited for on sessiond's side, whose reading does not count as a use.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        assertThat(System.nanoTime()).as("the session idled out within 30 s").isLessThan(deadline);
        Remote.Res now = idle.call("GET", "/api/sessions/" + s.get("id").asText(), null, Remote.API_TOKEN);
        if (now.status() == 404) {
          break;
        }
        Instant ends = Instant.parse(now.json().get("expires_at").asText());
        if (Instant.now().isAfter(ends.plusMillis(100))) {
          break;
        }
        Thread.sleep(Math.max(1, Duration.between(Instant.now(), ends.plusMillis(150)).toMillis()));
      }
      assertThat(c.verify(token)).isEmpty();
    }
  }

  @Test
  void aTokenIsNeverAnsweredFromACacheWhenSessiondIsUnreachableAndTheFeedSilent() throws Exception {
    Sessiond gone = Sessiond.embedded(dir.resolve("gone"));
    SessiondClient c = SessiondClient.builder(gone.uri).apiKey(gone.key("verify")).feedLossBound(Duration.ofSeconds(1))
        .requestTimeout(Duration.ofSeconds(1)).build();
    try {
      String token = gone.session("app:gone").get("token").asText();
      assertThat(c.verify(token)).isPresent();
      gone.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        try {
          Optional<VerifiedSession> v = c.verify(token);
          assertThat(v).as("never an empty answer while sessiond is away").isPresent();
        } catch (SessiondUnavailableException expected) {
          break;
        }
        assertThat(System.nanoTime()).as("verify throws within the bound").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThatThrownBy(() -> c.verify(token)).isInstanceOf(SessiondUnavailableException.class);
      assertThat(c.stats().size()).isZero();
    } finally {
      c.close();
    }
  }
}
