package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Login, logout, whoami, the cookie and its CSRF guard, and login throttling. */
class LoginIT extends OneServerPerClass {

  private static String createMember(String username, String password, String profileJson) {
    Api.Res r = api.post("/api/members", "{\"username\":" + Api.quote(username) + ",\"password\":"
        + Api.quote(password) + (profileJson == null ? "" : ",\"profile\":" + profileJson) + "}",
        "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  @Test
  void loginAnswersSessionDataWithATokenAndSetsALaxHttpOnlyCookie() {
    String memberId = createMember("login-ok", "pw-login-ok", null);

    Api.Res r = api.post("/api/login", "{\"username\":\"login-ok\",\"password\":\"pw-login-ok\"}",
        "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");

    assertThat(r.status()).isEqualTo(200);
    JsonNode s = r.json();
    assertThat(s.get("user_id").asText()).isEqualTo(memberId);
    assertThat(s.at("/profile/name").asText()).isEqualTo("login-ok");
    assertThat(s.get("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(s.get("user_agent").asText()).contains("Firefox");
    String cookie = r.header("Set-Cookie");
    assertThat(cookie).startsWith("sessiond_session=" + s.get("token").asText())
        .containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/");
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
    createMember("login-wrong", "pw-right", null);

    Api.Res wrongPassword = api.post("/api/login", "{\"username\":\"login-wrong\",\"password\":\"pw-wrong\"}");
    Api.Res unknownUser = api.post("/api/login", "{\"username\":\"nobody-at-all\",\"password\":\"pw-wrong\"}");

    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknownUser.status()).isEqualTo(401);
    assertThat(wrongPassword.body()).isEqualTo(unknownUser.body());
  }

  @Test
  void aMemberWhoMayNotLogInIsToldWhatAWrongPasswordIsToldEvenWithTheRightOne() {
    createMember("login-banned", "pw-banned", "{\"can_login\":false}");

    Api.Res right = api.post("/api/login", "{\"username\":\"login-banned\",\"password\":\"pw-banned\"}");
    Api.Res wrong = api.post("/api/login", "{\"username\":\"login-banned\",\"password\":\"pw-guess\"}");
    Api.Res page = api.post("/login", "username=login-banned&password=pw-banned&rd=",
        "Content-Type", "application/x-www-form-urlencoded");

    assertThat(right.status()).isEqualTo(401);
    assertThat(right.body()).isEqualTo(wrong.body());
    assertThat(right.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(page.status()).isEqualTo(401);
    assertThat(page.body()).contains("Wrong username or password.").doesNotContain("may not");
  }

  @Test
  void repeatedFailuresForOneUsernameAreThrottledWithRetryAfter() {
    createMember("login-throttled", "pw-throttled", null);
    for (int i = 0; i < 5; i++) {
      assertThat(api.post("/api/login", "{\"username\":\"login-throttled\",\"password\":\"guess-" + i + "\"}")
          .status()).isEqualTo(401);
    }

    Api.Res r = api.post("/api/login", "{\"username\":\"login-throttled\",\"password\":\"pw-throttled\"}");

    assertThat(r.status()).isEqualTo(429);
    assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
  }

  @Test
  void sixtyWrongPasswordsSentAtOnceGetAtMostTheLimitOf401sAndTheRest429() throws Exception {
    createMember("login-parallel", "pw-parallel", null);
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.util.List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      answers.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api.port + "/api/login"))
          .header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"login-parallel\",\"password\":\"guess-" + i + "\"}"))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
    }
    int unauthorized = 0;
    int limited = 0;
    for (var answer : answers) {
      java.net.http.HttpResponse<String> r = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
      if (r.statusCode() == 401) {
        unauthorized++;
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        limited++;
      }
    }
    assertThat(unauthorized).isLessThanOrEqualTo(dev.sessiond.core.LoginThrottle.PER_USERNAME_AND_ADDRESS.free());
    assertThat(unauthorized + limited).isEqualTo(60);
    assertThat(api.post("/api/login", "{\"username\":\"login-parallel\",\"password\":\"pw-parallel\"}").status())
        .as("the limit still holds for the right password").isEqualTo(429);
  }

  @Test
  void logoutRevokesTheSessionAndClearsTheCookie() {
    createMember("logout-me", "pw-logout", null);
    String token = api.login("logout-me", "pw-logout");

    Api.Res r = api.post("/api/logout", null, "Authorization", bearer(token));

    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("Set-Cookie")).startsWith("sessiond_session=;").contains("Max-Age=0");
    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(401);
    assertThat(api.post("/api/logout", null, "Authorization", bearer(token)).status()).isEqualTo(401);
  }

  @Test
  void whoamiAcceptsTheBearerHeaderTheCookieAndTheQueryToken() {
    createMember("whoami", "pw-whoami", null);
    String token = api.login("whoami", "pw-whoami");

    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(200);
    assertThat(api.get("/api/whoami", "Cookie", "sessiond_session=" + token).status()).isEqualTo(200);
    assertThat(api.get("/api/whoami?token=" + token).status()).isEqualTo(200);
    assertThat(api.get("/api/whoami", "Authorization", "Basic " + token).status()).isEqualTo(401);
  }

  @Test
  void cookieAuthenticatedRequestsFromAnotherOriginAreRefused() {
    createMember("csrf", "pw-csrf", null);
    String token = api.login("csrf", "pw-csrf");
    String cookie = "sessiond_session=" + token;

    Api.Res crossOrigin = api.post("/api/logout", null, "Cookie", cookie, "Origin", "https://evil.example");
    Api.Res crossSite = api.post("/api/logout", null, "Cookie", cookie, "Sec-Fetch-Site", "cross-site");
    assertThat(crossOrigin.status()).isEqualTo(403);
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(api.get("/api/whoami", "Cookie", cookie).status()).isEqualTo(200);

    Api.Res sameOrigin = api.post("/api/logout", null, "Cookie", cookie, "Origin", "http://127.0.0.1:" + api.port);
    assertThat(sameOrigin.status()).isEqualTo(204);
  }

  @Test
  void theApiTokenHasNoSessionOfItsOwn() {
    assertThat(api.get("/api/whoami", "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(403);
  }
}
