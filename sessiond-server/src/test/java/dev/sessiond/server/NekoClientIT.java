package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * neko's own v3 front end against sessiond, call by call as its code makes them (NekoApi,
 * the members panel, the sessions it lists, NekoWebSocket and its system/init handler).
 * neko's WebSocket timings are scaled by {@link #SCALE}, with the server's heartbeat scaled
 * alike (neko's 10 s becomes 4 s), so that "a minute" takes 24 seconds.
 */
class NekoClientIT {

  /**
   * neko gives up on a socket silent for 1.25 heartbeats, so a heartbeat may come a quarter of
   * one late: 1 s at this scale, which a busy machine's timers keep (at 0.1 it was 250 ms).
   */
  static final double SCALE = 0.4;
  /** The panel's defProfile, sent whole on create (name left empty, as the panel does). */
  static final String DEF_PROFILE = "{\"name\":\"\",\"is_admin\":false,\"can_login\":true,\"can_connect\":true,"
      + "\"can_watch\":true,\"can_host\":true,\"can_share_media\":true,\"can_access_clipboard\":true,"
      + "\"sends_inactive_cursor\":true,\"can_see_inactive_cursors\":true}";

  @TempDir
  static Path dir;
  static TestServer server;
  static NekoApi adminPage;

  @BeforeAll
  static void start() throws Exception {
    // The default reconnect grace (5 s) on purpose: an admin's disconnect must not wait for it.
    server = TestServer.start(dir, c -> new Config(c.host(), c.port(), c.store(), c.dataDir(), c.adminUser(),
        c.adminPassword(), c.apiToken(), c.policy(), false, true, Duration.ofMillis((long) (10_000 * SCALE)),
        Duration.ofSeconds(5), c.redisUri(), c.redisClusterUris(), c.redisWaitReplicas(), c.forwardAuth(), c.corsOrigins(), c.webhooks()));
    adminPage = keepingTheToken(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A page that logged in and kept the answer's token, as neko's main.vue does when there is one. */
  static NekoApi keepingTheToken(String username, String password) {
    NekoApi page = new NekoApi(server.port(), new CookieManager());
    Api.Res login = page.login(username, password);
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    page.setToken(login.json().get("token").asText());
    return page;
  }

  /** What the panel's memberCreate sends; returns its answer (MemberData). */
  static JsonNode memberCreate(String username, String password) {
    Api.Res r = adminPage.membersCreate("{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password)
        + ",\"profile\":" + DEF_PROFILE + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("id").isTextual()).isTrue();
    assertThat(r.json().get("profile").isObject()).as("the panel appends res.data to its list").isTrue();
    return r.json();
  }

  @Test
  void logInKeepingTheTokenThenLogOut() {
    memberCreate("neko-token", "pw-neko-token");
    NekoApi page = keepingTheToken("neko-token", "pw-neko-token");

    Api.Res who = page.whoami();
    assertThat(who.status()).isEqualTo(200);
    assertThat(who.json().at("/profile/can_login").asBoolean()).isTrue();

    assertThat(page.logout().status()).isEqualTo(204);
    assertThat(page.whoami().status()).isEqualTo(401);
  }

  @Test
  void logInWithTheCookieAloneSurvivesAReloadThenLogOut() {
    memberCreate("neko-cookie", "pw-neko-cookie");
    CookieManager browser = new CookieManager();
    NekoApi page = new NekoApi(server.port(), browser);
    Api.Res login = page.login("neko-cookie", "pw-neko-cookie");
    assertThat(login.status()).isEqualTo(200);
    assertThat(page.whoami().json().get("id").asText()).isEqualTo(login.json().get("id").asText());

    // A reload: a new page, no stored token, the browser's cookie only.
    NekoApi reloaded = new NekoApi(server.port(), browser);
    Api.Res who = reloaded.whoami();
    assertThat(who.status()).isEqualTo(200);
    assertThat(who.json().get("id").asText()).isEqualTo(login.json().get("id").asText());

    assertThat(reloaded.logout().status()).isEqualTo(204);
    assertThat(browser.getCookieStore().getCookies()).as("logout clears the cookie").isEmpty();
    assertThat(reloaded.whoami().status()).isEqualTo(401);
  }

  @Test
  void theMembersPanelListsCreatesGetsUpdatesAndRemoves() {
    for (int i = 0; i < 11; i++) {
      memberCreate("panel-" + i, "pw-panel");
    }

    // onMounted: membersLoad(10); "reload": membersLoad() with limit 0.
    Api.Res firstTen = adminPage.membersList(10, 0);
    assertThat(firstTen.status()).isEqualTo(200);
    assertThat(firstTen.json().size()).isEqualTo(10);
    Api.Res all = adminPage.membersList(0, 0);
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    long members = server.api.get("/api/stats", "Authorization", Api.bearer(TestServer.API_TOKEN)).json().get("members").asLong();
    assertThat(all.json().size()).isEqualTo((int) members).isGreaterThan(10);

    String id = memberCreate("panel-subject", "pw-panel-subject").get("id").asText();
    JsonNode profile = adminPage.membersGetProfile(id).json();
    assertThat(profile.get("can_host").asBoolean()).as("the panel reads the flags at the top level").isTrue();

    // A checkbox: updateProfile(id, { can_host: false }); the panel merges the rest itself.
    assertThat(adminPage.membersUpdateProfile(id, "{\"can_host\":false}").status()).isEqualTo(204);
    JsonNode updated = adminPage.membersGetProfile(id).json();
    assertThat(updated.get("can_host").asBoolean()).isFalse();
    assertThat(updated.get("can_watch").asBoolean()).as("the other flags are kept").isTrue();
    assertThat(updated.get("can_access_clipboard").asBoolean()).isTrue();
    assertThat(updated.get("is_admin").asBoolean()).isFalse();
    // savePlugins: updateProfile(id, { plugins }).
    assertThat(adminPage.membersUpdateProfile(id, "{\"plugins\":{\"chat\":{\"muted\":true}}}").status()).isEqualTo(204);
    JsonNode withPlugins = adminPage.membersGetProfile(id).json();
    assertThat(withPlugins.at("/plugins/chat/muted").asBoolean()).isTrue();
    assertThat(withPlugins.get("can_host").asBoolean()).isFalse();

    // A session row: the panel edits and removes the member by the session's ID.
    NekoApi memberPage = keepingTheToken("panel-subject", "pw-panel-subject");
    String sessionId = memberPage.whoami().json().get("id").asText();
    assertThat(adminPage.membersUpdateProfile(sessionId, "{\"can_watch\":false}").status()).isEqualTo(204);
    assertThat(adminPage.membersGetProfile(id).json().get("can_watch").asBoolean()).isFalse();
    assertThat(memberPage.whoami().json().at("/profile/can_watch").asBoolean()).as("reaches the live session").isFalse();
    assertThat(adminPage.membersGetProfile(sessionId).json().get("can_host").asBoolean()).isFalse();
    assertThat(adminPage.membersUpdateProfileAtProfilePath(sessionId, "{\"can_watch\":true}").status()).isEqualTo(204);
    assertThat(adminPage.membersGetProfile(id).json().get("can_watch").asBoolean()).isTrue();
    assertThat(adminPage.membersRemove(sessionId).status()).isEqualTo(204);
    assertThat(adminPage.membersGetProfile(id).status()).isEqualTo(404);
    assertThat(memberPage.whoami().status()).isEqualTo(401);
    assertThat(adminPage.membersList(0, 0).body()).doesNotContain(id);
  }

  @Test
  void theSessionsListGetDisconnectAndRemove() throws Exception {
    memberCreate("neko-sessions", "pw-neko-sessions");
    NekoApi page = new NekoApi(server.port(), new CookieManager());
    Api.Res login = page.login("neko-sessions", "pw-neko-sessions");
    String token = login.json().get("token").asText();
    String id = login.json().get("id").asText();
    page.setToken(token);

    Api.Res list = adminPage.sessionsGet();
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).contains(id);
    assertThat(adminPage.sessionGet(id).json().at("/profile/can_connect").asBoolean()).isTrue();

    try (NekoSocket socket = NekoSocket.connect(server.port(), token, null, SCALE)) {
      socket.next("system/init");
      awaitConnected(id);

      assertThat(adminPage.sessionDisconnect(id).status()).isEqualTo(204);
      JsonNode state = adminPage.sessionGet(id).json().get("state");
      assertThat(state.get("is_connected").asBoolean()).as("false as soon as the call returned").isFalse();
      assertThat(socket.next("system/disconnect").at("/payload/message").asText()).isNotEmpty();
      assertThat(socket.ended.get(5, TimeUnit.SECONDS)).startsWith("closed 4001");
    }
    assertThat(page.whoami().status()).as("a disconnect keeps the session").isEqualTo(200);

    assertThat(adminPage.sessionRemove(id).status()).isEqualTo(204);
    assertThat(adminPage.sessionGet(id).status()).isEqualTo(404);
    assertThat(page.whoami().status()).isEqualTo(401);
  }

  @Test
  void nekosSocketStaysConnectedForAMinuteAndGetsThroughInit() throws Exception {
    memberCreate("neko-socket", "pw-neko-socket");
    NekoApi page = new NekoApi(server.port(), new CookieManager());
    String token = page.login("neko-socket", "pw-neko-socket").json().get("token").asText();

    try (NekoSocket socket = NekoSocket.connect(server.port(), token, null, SCALE)) {
      JsonNode init = socket.next("system/init").get("payload");
      NekoSocket.systemInit(init);
      String id = init.get("session_id").asText();
      assertThat(init.at("/sessions/" + id + "/profile/can_connect").asBoolean()).isTrue();

      Thread.sleep((long) (60_000 * SCALE));

      assertThat(socket.ended).as("neko's client never found the socket stale").isNotDone();
      assertThat(socket.heartbeats.get()).isGreaterThanOrEqualTo(4);
      assertThat(adminPage.sessionGet(id).json().at("/state/connections").asInt()).isEqualTo(1);
    }
  }

  @Test
  void inCookieModeNekosSocketConnectsWithTheCookieAndGetsThroughInit() throws Exception {
    memberCreate("neko-cookie-socket", "pw-neko-cookie-socket");
    CookieManager browser = new CookieManager();
    NekoApi page = new NekoApi(server.port(), browser);
    assertThat(page.login("neko-cookie-socket", "pw-neko-cookie-socket").status()).isEqualTo(200);
    HttpCookie cookie = browser.getCookieStore().getCookies().get(0);

    try (NekoSocket socket = NekoSocket.connect(server.port(), null, cookie.getName() + "=" + cookie.getValue(), SCALE)) {
      NekoSocket.systemInit(socket.next("system/init").get("payload"));
    }
  }

  private static void awaitConnected(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!adminPage.sessionGet(id).json().at("/state/is_connected").asBoolean()) {
      assertThat(System.nanoTime()).as("session " + id + " never showed connected").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
