package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Your devices": a user lists and ends its own sessions, a member changes its password, and a
 * front end on another origin does so with a bearer token (--cors-origins).
 */
class MeIT {

  static final String APP = "http://app.example.test:3000";
  static final String CHROME_WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
      + "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

  @TempDir
  static Path dir;
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir, c -> c.withCorsOrigins(List.of(APP)));
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A user's three sessions, on three clients; {@code tokens[i]} belongs to {@code ids[i]}. */
  record Devices(String userId, String[] tokens, String[] ids) {}

  private static String member(String username, String password) {
    Api.Res r = api.post("/api/members", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}",
        "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  private static JsonNode login(String username, String password, String userAgent) {
    Api.Res r = api.post("/api/login", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}",
        "User-Agent", userAgent);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static Devices memberOnThreeClients(String username, String password) {
    String id = member(username, password);
    String[] tokens = new String[3];
    String[] ids = new String[3];
    String[] agents = {CHROME_WINDOWS, FIREFOX_LINUX, SAFARI_IPHONE};
    for (int i = 0; i < 3; i++) {
      JsonNode s = login(username, password, agents[i]);
      tokens[i] = s.get("token").asText();
      ids[i] = s.get("id").asText();
    }
    return new Devices(id, tokens, ids);
  }

  private static Devices externalUserOnThreeClients(String userId) {
    String[] tokens = new String[3];
    String[] ids = new String[3];
    String[] agents = {CHROME_WINDOWS, FIREFOX_LINUX, SAFARI_IPHONE};
    for (int i = 0; i < 3; i++) {
      // A trusted backend creates its user's session and passes the browser's User-Agent on.
      Api.Res r = api.post("/api/sessions", "{\"user_id\":" + Api.quote(userId) + "}",
          "Authorization", bearer(TestServer.API_TOKEN), "User-Agent", agents[i]);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      tokens[i] = r.json().get("token").asText();
      ids[i] = r.json().get("id").asText();
    }
    return new Devices(userId, tokens, ids);
  }

  private static Map<String, JsonNode> mySessions(String token) {
    Api.Res r = api.get("/api/me/sessions", "Authorization", bearer(token));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, JsonNode> byId = new TreeMap<>();
    r.json().forEach(s -> byId.put(s.get("id").asText(), s));
    return byId;
  }

  /** The one session.revoked event of a session in the event log. */
  private static JsonNode revokedEvent(String sessionId) {
    Api.Res r = api.get("/api/events?limit=1000&type=session.revoked&session_id=" + sessionId,
        "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().size()).as(r.body()).isEqualTo(1);
    return r.json().get(0);
  }

  /** The event log says the user's own session {@code actorSessionId} ended {@code sessionId} for {@code reason}. */
  private static void loggedAsEndedBy(String sessionId, String userId, String actorSessionId, String reason) {
    JsonNode e = revokedEvent(sessionId);
    assertThat(e.get("reason").asText()).isEqualTo(reason);
    assertThat(e.at("/actor/type").asText()).isEqualTo("session");
    assertThat(e.at("/actor/user_id").asText()).isEqualTo(userId);
    assertThat(e.at("/actor/session_id").asText()).isEqualTo(actorSessionId);
  }

  private static int whoami(String token) {
    return api.get("/api/whoami", "Authorization", bearer(token)).status();
  }

  private static void listsEndsAndRevokesOthers(Devices d) throws Exception {
    // Lists: three, the caller's own marked current, each with a readable client.
    Map<String, JsonNode> listed = mySessions(d.tokens()[0]);
    assertThat(listed).containsOnlyKeys(d.ids());
    assertThat(listed.get(d.ids()[0]).get("current").asBoolean()).isTrue();
    assertThat(listed.get(d.ids()[1]).get("current").asBoolean()).isFalse();
    assertThat(listed.get(d.ids()[2]).get("current").asBoolean()).isFalse();
    assertThat(listed.get(d.ids()[0]).get("client").asText()).isEqualTo("Chrome 131 on Windows 10");
    assertThat(listed.get(d.ids()[1]).get("client").asText()).isEqualTo("Firefox 133 on Linux");
    assertThat(listed.get(d.ids()[2]).get("client").asText()).isEqualTo("Mobile Safari 18 on iOS 18");
    listed.values().forEach(s -> assertThat(s.get("user_id").asText()).isEqualTo(d.userId()));

    // Ends the second: its socket is told and closed with 4010, its token is refused.
    WsClient second = WsClient.connect(server.port(), d.tokens()[1]);
    second.next("system/init");
    assertThat(api.delete("/api/me/sessions/" + d.ids()[1], "Authorization", bearer(d.tokens()[0])).status()).isEqualTo(204);
    JsonNode told = second.next("system/disconnect");
    assertThat(told.at("/payload/message").asText()).contains("signed out from another device");
    assertThat(second.awaitClose().code()).isEqualTo(4010);
    assertThat(whoami(d.tokens()[1])).isEqualTo(401);
    assertThat(WsClient.refusal(server.port(), d.tokens()[1])).isEqualTo(401);
    assertThat(mySessions(d.tokens()[0])).containsOnlyKeys(d.ids()[0], d.ids()[2]);
    loggedAsEndedBy(d.ids()[1], d.userId(), d.ids()[0], "signed_out_elsewhere");

    // Ends the others: the count, the current one kept.
    WsClient third = WsClient.connect(server.port(), d.tokens()[2]);
    third.next("system/init");
    Api.Res others = api.post("/api/me/sessions/revoke-others", null, "Authorization", bearer(d.tokens()[0]));
    assertThat(others.status()).isEqualTo(200);
    assertThat(others.json().get("DeletedCount").asInt()).isEqualTo(1);
    assertThat(third.awaitClose().code()).isEqualTo(4010);
    assertThat(whoami(d.tokens()[2])).isEqualTo(401);
    assertThat(whoami(d.tokens()[0])).isEqualTo(200);
    assertThat(mySessions(d.tokens()[0])).containsOnlyKeys(d.ids()[0]);
    loggedAsEndedBy(d.ids()[2], d.userId(), d.ids()[0], "signed_out_elsewhere");
    Api.Res none = api.post("/api/me/sessions/revoke-others", null, "Authorization", bearer(d.tokens()[0]));
    assertThat(none.json().get("DeletedCount").asInt()).isZero();
  }

  @Test
  void aMemberListsItsThreeDevicesEndsOneThenEveryOtherAndKeepsThisOne() throws Exception {
    listsEndsAndRevokesOthers(memberOnThreeClients("me-alice", "pw-me-alice"));
  }

  @Test
  void aTrustedBackendsExternalUserDoesTheSameWithItsTokenAlone() throws Exception {
    listsEndsAndRevokesOthers(externalUserOnThreeClients("ext-user-42"));
  }

  @Test
  void anotherUsersSessionIsNeitherListedNorEndedAndLooksLikeNoSessionAtAll() {
    Devices mine = memberOnThreeClients("me-bob", "pw-me-bob");
    Devices theirs = externalUserOnThreeClients("ext-user-43");

    assertThat(mySessions(mine.tokens()[0])).doesNotContainKeys(theirs.ids());
    Api.Res other = api.delete("/api/me/sessions/" + theirs.ids()[0], "Authorization", bearer(mine.tokens()[0]));
    Api.Res missing = api.delete("/api/me/sessions/000000000000000000000000", "Authorization", bearer(mine.tokens()[0]));
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.body()).isEqualTo(missing.body());
    assertThat(whoami(theirs.tokens()[0])).isEqualTo(200);
    assertThat(api.delete("/api/me/sessions/" + mine.ids()[1], "Authorization", bearer(theirs.tokens()[0])).status())
        .isEqualTo(404);
    assertThat(whoami(mine.tokens()[1])).isEqualTo(200);
    // Ending the others never reaches another user.
    api.post("/api/me/sessions/revoke-others", null, "Authorization", bearer(mine.tokens()[0]));
    assertThat(mySessions(theirs.tokens()[0])).containsOnlyKeys(theirs.ids());
  }

  @Test
  void endingTheCurrentSessionIsALogout() throws Exception {
    Devices d = externalUserOnThreeClients("ext-user-44");
    WsClient ws = WsClient.connect(server.port(), d.tokens()[0]);
    ws.next("system/init");

    Api.Res r = api.delete("/api/me/sessions/" + d.ids()[0], "Authorization", bearer(d.tokens()[0]));

    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("Set-Cookie")).startsWith("sessiond_session=;");
    assertThat(ws.awaitClose().code()).isEqualTo(4002);
    assertThat(whoami(d.tokens()[0])).isEqualTo(401);
    assertThat(whoami(d.tokens()[1])).isEqualTo(200);
  }

  @Test
  void theApiTokenHasNoDevicesAndNoTokenIsUnauthorized() {
    assertThat(api.get("/api/me/sessions", "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(403);
    assertThat(api.get("/api/me/sessions").status()).isEqualTo(401);
    assertThat(api.post("/api/me/sessions/revoke-others", null).status()).isEqualTo(401);
    assertThat(api.post("/api/me/password", "{}", "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(403);
  }

  @Test
  void changingThePasswordKeepsOnlyTheCurrentSession() throws Exception {
    Devices d = memberOnThreeClients("me-carol", "pw-old-carol");
    WsClient second = WsClient.connect(server.port(), d.tokens()[1]);
    second.next("system/init");

    Api.Res r = api.post("/api/me/password", "{\"current_password\":\"pw-old-carol\",\"new_password\":\"pw-new-carol\"}",
        "Authorization", bearer(d.tokens()[0]));

    assertThat(r.status()).as(r.body()).isEqualTo(204);
    assertThat(second.next("system/disconnect").at("/payload/message").asText())
        .contains("signed out from another device").contains("password");
    assertThat(second.awaitClose().code()).isEqualTo(4010);
    assertThat(whoami(d.tokens()[0])).isEqualTo(200);
    assertThat(whoami(d.tokens()[1])).isEqualTo(401);
    assertThat(whoami(d.tokens()[2])).isEqualTo(401);
    assertThat(mySessions(d.tokens()[0])).containsOnlyKeys(d.ids()[0]);
    loggedAsEndedBy(d.ids()[1], d.userId(), d.ids()[0], "password_changed_elsewhere");
    loggedAsEndedBy(d.ids()[2], d.userId(), d.ids()[0], "password_changed_elsewhere");
    assertThat(api.post("/api/login", "{\"username\":\"me-carol\",\"password\":\"pw-old-carol\"}").status()).isEqualTo(401);
    login("me-carol", "pw-new-carol", FIREFOX_LINUX);
  }

  @Test
  void aWrongCurrentPasswordIs403AndChangesNothing() {
    Devices d = memberOnThreeClients("me-dave", "pw-dave");

    Api.Res r = api.post("/api/me/password", "{\"current_password\":\"pw-guess\",\"new_password\":\"pw-mine-now\"}",
        "Authorization", bearer(d.tokens()[0]));

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.message()).contains("current password");
    for (String token : d.tokens()) {
      assertThat(whoami(token)).isEqualTo(200);
    }
    assertThat(api.post("/api/login", "{\"username\":\"me-dave\",\"password\":\"pw-mine-now\"}").status()).isEqualTo(401);
    login("me-dave", "pw-dave", CHROME_WINDOWS);
  }

  @Test
  void guessingTheCurrentPasswordIsThrottledLikeLogins() {
    Devices d = memberOnThreeClients("me-erin", "pw-erin");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(api.post("/api/me/password", "{\"current_password\":\"guess-" + i + "\",\"new_password\":\"x\"}",
          "Authorization", bearer(d.tokens()[0])).status());
    }
    assertThat(statuses).containsExactly(403, 403, 403, 403, 403, 429);
    Api.Res right = api.post("/api/me/password", "{\"current_password\":\"pw-erin\",\"new_password\":\"x\"}",
        "Authorization", bearer(d.tokens()[0]));
    assertThat(right.status()).isEqualTo(429);
    assertThat(right.header("Retry-After")).isNotNull();
    assertThat(whoami(d.tokens()[1])).isEqualTo(200);
  }

  @Test
  void anExternalUserHasNoPasswordToChange() {
    Devices d = externalUserOnThreeClients("ext-user-45");
    Api.Res r = api.post("/api/me/password", "{\"current_password\":\"a\",\"new_password\":\"b\"}",
        "Authorization", bearer(d.tokens()[0]));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.message()).contains("not a member");
    assertThat(api.post("/api/me/password", "{\"new_password\":\"b\"}", "Authorization", bearer(d.tokens()[0])).status())
        .isEqualTo(400);
  }

  @Test
  void aListedOriginGetsItsPreflightAnsweredAndCallsWithABearerToken() {
    Devices d = externalUserOnThreeClients("ext-user-46");

    Api.Res preflight = api.send("OPTIONS", "/api/me/sessions/" + d.ids()[1], null, "Origin", APP,
        "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "authorization");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("DELETE");
    assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");
    assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();

    Api.Res list = api.get("/api/me/sessions", "Origin", APP, "Sec-Fetch-Site", "cross-site",
        "Authorization", bearer(d.tokens()[0]));
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(list.header("Access-Control-Allow-Credentials")).isNull();
    Api.Res end = api.delete("/api/me/sessions/" + d.ids()[1], "Origin", APP, "Authorization", bearer(d.tokens()[0]));
    assertThat(end.status()).isEqualTo(204);
    assertThat(end.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    Api.Res me = api.get("/api/whoami", "Origin", APP, "Authorization", bearer(d.tokens()[0]));
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(api.send("OPTIONS", "/api/whoami", null, "Origin", APP, "Access-Control-Request-Method", "GET",
        "Access-Control-Request-Headers", "authorization").status()).isEqualTo(204);
  }

  @Test
  void nothingElseIsOpenedAndOtherOriginsAreRefused() {
    Devices d = externalUserOnThreeClients("ext-user-47");
    Api.Res otherOrigin = api.send("OPTIONS", "/api/me/sessions", null, "Origin", "https://evil.example",
        "Access-Control-Request-Method", "GET");
    assertThat(otherOrigin.status()).isEqualTo(403);
    assertThat(otherOrigin.header("Access-Control-Allow-Origin")).isNull();
    Api.Res otherOriginCall = api.get("/api/me/sessions", "Origin", "https://evil.example",
        "Authorization", bearer(d.tokens()[0]));
    assertThat(otherOriginCall.status()).isEqualTo(403);

    // Admin routes get no CORS answer, even from the listed origin.
    Api.Res adminPreflight = api.send("OPTIONS", "/api/sessions", null, "Origin", APP, "Access-Control-Request-Method", "GET");
    assertThat(adminPreflight.header("Access-Control-Allow-Origin")).isNull();
    assertThat(adminPreflight.status()).isEqualTo(405);
    Api.Res adminCall = api.get("/api/sessions", "Origin", APP, "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(adminCall.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void aCookieCallFromAnotherOriginIsRefusedEvenFromAListedOne() {
    Devices d = externalUserOnThreeClients("ext-user-48");
    String cookie = "sessiond_session=" + d.tokens()[0];

    Api.Res listed = api.get("/api/me/sessions", "Cookie", cookie, "Origin", APP);
    Api.Res crossSite = api.get("/api/me/sessions", "Cookie", cookie, "Sec-Fetch-Site", "cross-site");
    Api.Res whoami = api.get("/api/whoami", "Cookie", cookie, "Origin", APP);
    Api.Res revoke = api.post("/api/me/sessions/revoke-others", null, "Cookie", cookie, "Origin", APP);

    assertThat(List.of(listed.status(), crossSite.status(), whoami.status(), revoke.status())).containsOnly(403);
    assertThat(listed.message()).contains("bearer");
    assertThat(whoami(d.tokens()[1])).isEqualTo(200);
    // The same cookie from sessiond's own pages works.
    assertThat(api.get("/api/me/sessions", "Cookie", cookie, "Origin", "http://127.0.0.1:" + api.port,
        "Sec-Fetch-Site", "same-origin").status()).isEqualTo(200);
  }
}
