package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /api/forward-auth, /login and /logout against the real server, every answer checked against docs/openapi.yaml. */
class ForwardAuthIT {

  static final String PUBLIC_URL = "https://auth.example.test";
  static final String APP = "https://app.example.test";

  @TempDir
  static Path dir;
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir, c -> c.withForwardAuth(
        new Config.ForwardAuth(PUBLIC_URL, null, List.of(".example.test"))));
    api = server.api;
    member("fa-alice", "Alice Ünïcode");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void member(String username, String name) {
    Api.Res r = api.post("/api/members", "{\"username\":\"" + username + "\",\"password\":\"pw-" + username
        + "\",\"profile\":{\"name\":" + Api.quote(name) + "}}", "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static String form(String... pairs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      b.append(i == 0 ? "" : "&").append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  static Api.Res formPost(String path, String body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "application/x-www-form-urlencoded";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return api.post(path, body, all);
  }

  static String cookieOf(Api.Res r) {
    String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sessiond_session=")).findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie in " + r.headers()));
    return set.substring(0, set.indexOf(';'));
  }

  /** Signs in on the login page's form and returns the Cookie header value. */
  static String signIn(String username) {
    Api.Res r = formPost("/login", form("username", username, "password", "pw-" + username, "rd", ""));
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    return cookieOf(r);
  }

  @Test
  void aLiveSessionPassesWithWhoItIsAndNothingThatCouldBeCached() {
    String cookie = signIn("fa-alice");
    JsonNode me = api.get("/api/whoami", "Cookie", cookie).json();

    Api.Res r = api.get("/api/forward-auth", "Cookie", cookie);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Remote-User")).isEqualTo(me.get("user_id").asText());
    assertThat(r.header("Remote-Session")).isEqualTo(me.get("id").asText());
    assertThat(r.header("Remote-Admin")).isEqualTo("false");
    assertThat(new String(r.header("Remote-Name").getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
        .isEqualTo("Alice Ünïcode");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void aBearerTokenPassesTooAndAnAdminIsSaidToBeOne() {
    Api.Res r = api.get("/api/forward-auth", "Authorization", bearer(server.adminToken()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Remote-Admin")).isEqualTo("true");
    assertThat(r.header("Remote-Name")).isEqualTo(TestServer.ADMIN);
  }

  @Test
  void everyMethodIsAnsweredTheSameWay() {
    String cookie = signIn("fa-alice");
    for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
      assertThat(api.send(method, "/api/forward-auth", null, "Cookie", cookie).status()).as(method).isEqualTo(200);
    }
  }

  @Test
  void theCookieWinsAndAnotherAuthorizationSchemeIsTheAppsBusiness() {
    String cookie = signIn("fa-alice");
    assertThat(api.get("/api/forward-auth", "Cookie", cookie, "Authorization", "Bearer not-a-token").status()).isEqualTo(200);
    assertThat(api.get("/api/forward-auth", "Authorization", "Basic dXNlcjpwdw==").status()).isEqualTo(401);
  }

  @Test
  void aQueryTokenIsNeverRead() {
    String token = server.adminToken();
    Api.Res r = api.get("/api/forward-auth?token=" + token);
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void withoutASessionAnApiClientGets401Json() {
    Api.Res r = api.get("/api/forward-auth", "Accept", "application/json",
        "X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example.test", "X-Forwarded-Uri", "/x");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.message()).isEqualTo("authentication required");
    assertThat(r.header("Location")).isNull();
    assertThat(api.get("/api/forward-auth", "Cookie", "sessiond_session=forged").status()).isEqualTo(401);
  }

  @Test
  void aBrowserPageLoadNamedInXForwardedHeadersIsSentToTheLoginPage() {
    Api.Res r = api.get("/api/forward-auth", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8",
        "X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example.test", "X-Forwarded-Uri", "/reports?year=2026&q=a b");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo(PUBLIC_URL + "/login?rd="
        + URLEncoder.encode(APP + "/reports?year=2026&q=a b", StandardCharsets.UTF_8));
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void nginxStyleXOriginalUrlKeeps401AndNamesTheLoginPageInLocation() {
    Api.Res r = api.get("/api/forward-auth", "Accept", "text/html", "X-Original-URL", APP + "/a?b=1");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Location")).isEqualTo(PUBLIC_URL + "/login?rd=" + URLEncoder.encode(APP + "/a?b=1", StandardCharsets.UTF_8));
  }

  @Test
  void afterInterruptingTheUserTheVeryNextCheckIsRefused() {
    String cookie = signIn("fa-alice");
    String user = api.get("/api/forward-auth", "Cookie", cookie).header("Remote-User");
    assertThat(api.delete("/sessions/" + user, "Authorization", bearer(TestServer.API_TOKEN)).json().get("DeletedCount").asInt())
        .isPositive();
    assertThat(api.get("/api/forward-auth", "Cookie", cookie).status()).isEqualTo(401);
  }

  @Test
  void theLoginPageCarriesAnAllowedRdAndRefusesAnyOther() {
    Api.Res ok = api.get("/login?rd=" + URLEncoder.encode(APP + "/x?a=1&b='c'", StandardCharsets.UTF_8));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("Content-Type")).startsWith("text/html");
    assertThat(ok.body()).contains("value=\"" + APP + "/x?a=1&amp;b=&#39;c&#39;\"").doesNotContain("<script");
    assertThat(ok.header("Content-Security-Policy")).contains("frame-ancestors 'none'");

    for (String evil : List.of("https://evil.test/", "//evil.test/", "https://app.example.test@evil.test/",
        "https:\\\\evil.test", "javascript:alert(1)")) {
      Api.Res r = api.get("/login?rd=" + URLEncoder.encode(evil, StandardCharsets.UTF_8));
      assertThat(r.status()).as(evil).isEqualTo(400);
      assertThat(r.body()).as(evil).contains("will not be followed").contains("name=\"rd\" value=\"\"");
    }
  }

  @Test
  void aFormSignInIsAnswered303ToTheCheckedTargetWithALaxHttpOnlyCookie() {
    Api.Res r = formPost("/login", form("username", "fa-alice", "password", "pw-fa-alice", "rd", APP + "/back?x=1"));
    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("Location")).isEqualTo(APP + "/back?x=1");
    String set = r.headers().allValues("Set-Cookie").get(0);
    assertThat(set).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Domain");
    assertThat(api.get("/api/forward-auth", "Cookie", cookieOf(r)).status()).isEqualTo(200);

    Api.Res home = formPost("/login", form("username", "fa-alice", "password", "pw-fa-alice"));
    assertThat(home.header("Location")).isEqualTo(PUBLIC_URL + "/");
  }

  @Test
  void onThisHttpsDeploymentAnHttpRdIsRefusedEverywhere() {
    String plain = "http://app.example.test/back?x=1";
    Api.Res page = api.get("/login?rd=" + URLEncoder.encode(plain, StandardCharsets.UTF_8));
    assertThat(page.status()).isEqualTo(400);
    assertThat(page.body()).contains("(app.example.test) is not https, so it will not be followed")
        .contains("name=\"rd\" value=\"\"");

    Api.Res form = formPost("/login", form("username", "fa-alice", "password", "pw-fa-alice", "rd", plain));
    assertThat(form.status()).isEqualTo(400);
    assertThat(form.header("Location")).isNull();
    assertThat(form.headers().allValues("Set-Cookie")).isEmpty();

    Api.Res json = api.post("/login", "{\"username\":\"fa-alice\",\"password\":\"pw-fa-alice\",\"rd\":\"" + plain + "\"}");
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.headers().allValues("Set-Cookie")).isEmpty();

    Api.Res secure = formPost("/login", form("username", "fa-alice", "password", "pw-fa-alice", "rd", APP + "/back?x=1"));
    assertThat(secure.status()).isEqualTo(303);
    assertThat(secure.header("Location")).isEqualTo(APP + "/back?x=1");
  }

  @Test
  void aSignInWithARefusedRdSignsNobodyInAndGoesNowhere() {
    Api.Res r = formPost("/login", form("username", "fa-alice", "password", "pw-fa-alice", "rd", "https://evil.test/"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Location")).isNull();
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(r.body()).contains("(evil.test) is not one this server may send you to");

    Api.Res json = api.post("/login", "{\"username\":\"fa-alice\",\"password\":\"pw-fa-alice\",\"rd\":\"//evil.test\"}");
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void aScriptedSignInGetsTheCheckedTargetInItsAnswer() {
    Api.Res r = api.post("/login", "{\"username\":\"fa-alice\",\"password\":\"pw-fa-alice\",\"rd\":\"" + APP + "/s\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("redirect").asText()).isEqualTo(APP + "/s");
    assertThat(api.get("/api/forward-auth", "Cookie", cookieOf(r)).status()).isEqualTo(200);
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetOneMessage() {
    member("fa-wrong", "w");
    Api.Res wrong = formPost("/login", form("username", "fa-wrong", "password", "nope"));
    Api.Res unknown = formPost("/login", form("username", "fa-nobody", "password", "nope"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.body()).contains("Wrong username or password.")
        .isEqualTo(unknown.body().replace("fa-nobody", "fa-wrong")); // only the username typed is echoed back
    assertThat(api.post("/login", "{\"username\":\"fa-wrong\",\"password\":\"nope\"}").message())
        .isEqualTo(api.post("/login", "{\"username\":\"fa-nobody2\",\"password\":\"nope\"}").message());
  }

  @Test
  void afterTheLoginLimitsThePageSaysHowLongToWait() {
    member("fa-throttled", "t");
    for (int i = 0; i < 5; i++) {
      assertThat(formPost("/login", form("username", "fa-throttled", "password", "bad-" + i)).status()).isEqualTo(401);
    }
    Api.Res r = formPost("/login", form("username", "fa-throttled", "password", "pw-fa-throttled"));
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("Retry-After")).matches("\\d+");
    assertThat(r.body()).containsPattern("Too many failed sign-ins\\. Try again in ([1-9]|1[0-5]) seconds?\\.");
    assertThat(api.post("/login", "{\"username\":\"fa-throttled\",\"password\":\"pw-fa-throttled\"}").status()).isEqualTo(429);
  }

  @Test
  void aSignInFromAnotherSiteIsRefused() {
    Api.Res r = formPost("/login", form("username", "fa-alice", "password", "pw-fa-alice"), "Origin", "https://evil.test");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void logoutEndsTheSessionClearsTheCookieAndShowsTheLoginPage() {
    String cookie = signIn("fa-alice");
    // As a browser sends it when the user types or bookmarks the address (see LogoutIT for the rest).
    Api.Res r = api.get("/logout?rd=" + URLEncoder.encode(APP + "/", StandardCharsets.UTF_8), "Cookie", cookie,
        "Sec-Fetch-Site", "none");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("You are signed out.").contains("id=\"login-form\"").contains("value=\"" + APP + "/\"");
    assertThat(r.headers().allValues("Set-Cookie").get(0)).contains("Max-Age=0");
    assertThat(api.get("/api/forward-auth", "Cookie", cookie).status()).isEqualTo(401);
  }

  @Test
  void aLogoutLinkOnAnotherSiteOnlyOffersAButton() {
    String cookie = signIn("fa-alice");
    Api.Res r = api.get("/logout", "Cookie", cookie, "Sec-Fetch-Site", "cross-site");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("id=\"logout-form\"").doesNotContain("sign-out-title\" hidden");
    assertThat(api.get("/api/forward-auth", "Cookie", cookie).status()).isEqualTo(200);
    assertThat(formPost("/logout", "", "Cookie", cookie, "Origin", "https://evil.test").status()).isEqualTo(403);
    assertThat(api.get("/api/forward-auth", "Cookie", cookie).status()).isEqualTo(200);
    assertThat(formPost("/logout", "rd=", "Cookie", cookie).status()).isEqualTo(200);
    assertThat(api.get("/api/forward-auth", "Cookie", cookie).status()).isEqualTo(401);
  }

  @Test
  void theApiLoginCookieIsLaxToo() {
    Api.Res r = api.post("/api/login", "{\"username\":\"fa-alice\",\"password\":\"pw-fa-alice\"}");
    assertThat(r.headers().allValues("Set-Cookie").get(0)).contains("SameSite=Lax").containsIgnoringCase("HttpOnly");
  }
}
