package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A right taken away reaches what is already open, at once and on every node: the member's
 * socket is held by node B, an admin takes the right away on node A. A subclass starts the nodes
 * (one embedded server, where both are the same; two on Redis).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class RightsChangeContract {

  static final String AUTH = bearer(TestServer.API_TOKEN);
  static final AtomicInteger MEMBERS = new AtomicInteger();
  static Api a;
  static Api b;
  static int portB;

  /** A new member with {@code profile}, and a session of it logged in on node B. */
  private static String[] memberLoggedInOnB(String profile) {
    String username = "rights-" + MEMBERS.incrementAndGet();
    Api.Res m = a.post("/api/members", "{\"username\":\"" + username + "\",\"password\":\"pw-" + username
        + "\",\"profile\":" + profile + "}", "Authorization", AUTH);
    assertThat(m.status()).as(m.body()).isEqualTo(200);
    return new String[] {m.json().get("id").asText(), b.login(username, "pw-" + username)};
  }

  private static void change(String memberId, String profile) {
    assertThat(a.post("/api/members/" + memberId, profile, "Authorization", AUTH).status()).isEqualTo(204);
  }

  @Test
  void aDemotedAdminsOpenFeedClosesAtOnceAndComesBackWithoutTheRight() throws Exception {
    String[] boss = memberLoggedInOnB("{\"is_admin\":true}");
    WsClient feed = WsClient.connect(portB, boss[1] + "&after=");
    feed.next("system/init");
    a.createSession("rights-before");
    assertThat(feed.next("session/created").at("/payload/user_id").asText()).isEqualTo("rights-before");

    change(boss[0], "{\"is_admin\":false}");

    assertThat(feed.awaitClose().code()).as("the admin's socket on the other node").isEqualTo(4001);
    assertThat(b.get("/api/sessions", "Authorization", bearer(boss[1])).status()).isEqualTo(403);
    assertThat(b.get("/api/whoami", "Authorization", bearer(boss[1])).status()).as("the session stays valid").isEqualTo(200);
    WsClient again = WsClient.connect(portB, boss[1] + "&after=");
    assertThat(again.next("system/init").at("/payload/profile/is_admin").asBoolean()).isFalse();
    JsonNode later = a.createSession("rights-after");
    long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < quiet) {
      JsonNode m = again.messages.poll(100, TimeUnit.MILLISECONDS);
      assertThat(m == null ? "" : m.path("event").asText()).as("a demoted member's feed: %s", m)
          .isNotIn("session/created", "log/event", "session/deleted");
    }
    assertThat(later.get("id").asText()).isNotBlank();
    again.socket.abort();
  }

  @Test
  void aMemberThatMayNoLongerConnectIsDroppedAndRefused() throws Exception {
    String[] member = memberLoggedInOnB("{}");
    WsClient socket = WsClient.connect(portB, member[1]);
    socket.next("system/init");

    change(member[0], "{\"can_connect\":false}");

    assertThat(socket.awaitClose().code()).isEqualTo(4001);
    assertThat(WsClient.refusal(portB, member[1])).isEqualTo(403);
    assertThat(b.get("/api/whoami", "Authorization", bearer(member[1])).status()).isEqualTo(200);
  }

  @Test
  void aMemberThatMayNoLongerLogInHoldsNoSession() throws Exception {
    String[] member = memberLoggedInOnB("{}");
    WsClient socket = WsClient.connect(portB, member[1]);
    socket.next("system/init");

    change(member[0], "{\"can_login\":false}");

    assertThat(a.get("/api/whoami", "Authorization", bearer(member[1])).status()).isEqualTo(401);
    assertThat(b.get("/api/whoami", "Authorization", bearer(member[1])).status()).isEqualTo(401);
    assertThat(socket.awaitClose().code()).isEqualTo(4006);
    JsonNode ended = a.get("/api/events?user_id=" + member[0], "Authorization", AUTH).json();
    assertThat(ended.get(ended.size() - 1).get("reason").asText()).isEqualTo("login_revoked");
  }

  @Test
  void aRightGivenChangesNothingOpen() throws Exception {
    String[] member = memberLoggedInOnB("{\"can_watch\":false}");
    WsClient socket = WsClient.connect(portB, member[1]);
    socket.next("system/init");

    change(member[0], "{\"can_watch\":true,\"name\":\"Renamed\"}");

    assertThat(socket.closed).as("no right was taken away").isNotDone();
    assertThat(b.get("/api/whoami", "Authorization", bearer(member[1])).json().at("/profile/name").asText())
        .isEqualTo("Renamed");
    socket.socket.abort();
  }
}
