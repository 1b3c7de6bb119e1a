package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.LoginThrottle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login throttle behind a reverse proxy, as an attacker tries it: the real server, with this
 * test as the proxy on 127.0.0.1 saying who the client is in X-Forwarded-For (or Forwarded).
 * {@link #proxied} trusts 127.0.0.1; {@link #untrusting} trusts only 10.0.0.0/8, so there this
 * test is a client like any other and its headers are its own claims.
 */
class LoginThrottleIT {

  static TestServer proxied;
  static TestServer forwarded;
  static TestServer untrusting;
  static Api api;

  @BeforeAll
  static void start(@TempDir Path a, @TempDir Path b, @TempDir Path c) throws Exception {
    proxied = TestServer.start(a, cfg -> cfg.withTrustedProxies(
        new Config.TrustedProxies(List.of("127.0.0.1", "::1"), "X-Forwarded-For")));
    forwarded = TestServer.start(b, cfg -> cfg.withTrustedProxies(
        new Config.TrustedProxies(List.of("127.0.0.0/8"), "Forwarded")));
    untrusting = TestServer.start(c, cfg -> cfg.withTrustedProxies(
        new Config.TrustedProxies(List.of("10.0.0.0/8"), "X-Forwarded-For")));
    api = proxied.api;
  }

  @AfterAll
  static void stop() {
    proxied.close();
    forwarded.close();
    untrusting.close();
  }

  private static void member(Api on, String username, String password) {
    Api.Res r = on.post("/api/members", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}",
        "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static Api.Res login(Api on, String username, String password, String... headers) {
    return on.post("/api/login", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}",
        headers);
  }

  private static Api.Res from(String address, String username, String password) {
    return login(api, username, password, "X-Forwarded-For", address);
  }

  private static void assertThrottled(Api.Res r) {
    assertThat(r.status()).as(r.body()).isEqualTo(429);
    assertThat(r.message()).isEqualTo("too many failed logins, try again later");
    assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, LoginThrottle.PER_ADDRESS.base().toSeconds());
  }

  @Test
  void twentyWrongLoginsFromOneForwardedAddressDoNotBlockASignInFromAnother() {
    member(api, "carol", "pw-carol");
    for (int i = 0; i < LoginThrottle.PER_ADDRESS.free(); i++) {
      assertThat(from("203.0.113.10", i == 0 ? "carol" : "nobody-" + i, "guess-" + i).status()).isEqualTo(401);
    }

    assertThrottled(from("203.0.113.10", "someone-else", "guess"));
    Api.Res carol = from("198.51.100.10", "carol", "pw-carol");
    assertThat(carol.status()).as(carol.body()).isEqualTo(200);
    assertThat(carol.json().get("ip").asText()).isEqualTo("198.51.100.10");
  }

  @Test
  void fiveWrongPasswordsForAdminFromOneAddressDoNotBlockAdminFromAnother() {
    for (int i = 0; i < LoginThrottle.PER_USERNAME_AND_ADDRESS.free(); i++) {
      assertThat(from("203.0.113.20", TestServer.ADMIN, "guess-" + i).status()).isEqualTo(401);
    }

    assertThrottled(from("203.0.113.20", TestServer.ADMIN, TestServer.ADMIN_PASSWORD));
    Api.Res admin = from("198.51.100.20", TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    assertThat(admin.status()).as(admin.body()).isEqualTo(200);
    assertThat(admin.json().get("ip").asText()).isEqualTo("198.51.100.20");
  }

  @Test
  void theGuessersOwnAddressIsMadeToWaitNotLockedOut() throws Exception {
    member(api, "dave", "pw-dave");
    for (int i = 0; i < LoginThrottle.PER_USERNAME_AND_ADDRESS.free(); i++) {
      assertThat(from("203.0.113.30", "dave", "guess-" + i).status()).isEqualTo(401);
    }
    Api.Res refused = from("203.0.113.30", "dave", "pw-dave");
    assertThrottled(refused);

    // Refused attempts count nothing: asking again and again does not push the wait back.
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(refused.header("Retry-After")) + 30).toNanos();
    Api.Res r = refused;
    while (r.status() == 429) {
      assertThat(System.nanoTime()).as("dave gets in once the wait is over").isLessThan(deadline);
      Thread.sleep(250);
      r = from("203.0.113.30", "dave", "pw-dave");
    }
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void aSessionRecordsTheForwardedAddressOfItsClient() {
    member(api, "erin", "pw-erin");
    Api.Res v6 = from("2001:db8::7", "erin", "pw-erin");
    assertThat(v6.json().get("ip").asText()).isEqualTo("2001:db8:0:0:0:0:0:7");

    Api.Res chain = from("6.6.6.6, 198.51.100.40, 127.0.0.1", "erin", "pw-erin");
    assertThat(chain.json().get("ip").asText()).as("what the client wrote left of it is ignored").isEqualTo("198.51.100.40");

    Api.Res created = api.post("/api/sessions", "{\"user_id\":\"backend-user\"}", "Authorization",
        bearer(TestServer.API_TOKEN), "X-Forwarded-For", "198.51.100.41");
    assertThat(created.json().get("ip").asText()).isEqualTo("198.51.100.41");
    Api.Res mine = api.get("/api/me/sessions", "Authorization", bearer(chain.json().get("token").asText()));
    assertThat(mine.json().findValuesAsText("ip")).contains("2001:db8:0:0:0:0:0:7", "198.51.100.40");
  }

  @Test
  void theLoginPageCountsByTheForwardedAddressToo() {
    member(api, "frank", "pw-frank");
    for (int i = 0; i < LoginThrottle.PER_USERNAME_AND_ADDRESS.free(); i++) {
      assertThat(form("203.0.113.50", "frank", "guess-" + i).status()).isEqualTo(401);
    }

    Api.Res refused = form("203.0.113.50", "frank", "pw-frank");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.body()).contains("Too many failed sign-ins");
    assertThat(form("198.51.100.50", "frank", "pw-frank").status()).isEqualTo(303);
  }

  private static Api.Res form(String address, String username, String password) {
    return api.post("/login", "username=" + username + "&password=" + password, "Content-Type",
        "application/x-www-form-urlencoded", "X-Forwarded-For", address);
  }

  @Test
  void wrongCurrentPasswordsCountAtTheForwardedAddress() {
    member(api, "gina", "pw-gina");
    String token = from("198.51.100.60", "gina", "pw-gina").json().get("token").asText();
    for (int i = 0; i < LoginThrottle.PER_USERNAME_AND_ADDRESS.free(); i++) {
      assertThat(change(token, "203.0.113.60", "guess-" + i).status()).isEqualTo(403);
    }

    assertThrottled(change(token, "203.0.113.60", "pw-gina"));
    assertThat(from("198.51.100.61", "gina", "pw-gina").status()).isEqualTo(200);
  }

  private static Api.Res change(String token, String address, String current) {
    return api.post("/api/me/password", "{\"current_password\":" + Api.quote(current) + ",\"new_password\":\"pw-gina-2\"}",
        "Authorization", bearer(token), "X-Forwarded-For", address);
  }

  @Test
  void anUntrustedPeersForwardedForIsIgnoredAndCannotDodgeTheThrottle() {
    Api direct = untrusting.api;
    member(direct, "hank", "pw-hank");
    Api.Res claimed = login(direct, "hank", "pw-hank", "X-Forwarded-For", "203.0.113.70");
    assertThat(claimed.json().get("ip").asText()).isEqualTo("127.0.0.1");

    for (int i = 0; i < LoginThrottle.PER_USERNAME_AND_ADDRESS.free(); i++) {
      assertThat(login(direct, "hank", "guess-" + i, "X-Forwarded-For", "203.0.113." + (80 + i)).status()).isEqualTo(401);
    }
    assertThrottled(login(direct, "hank", "pw-hank", "X-Forwarded-For", "198.51.100.70"));
  }

  @Test
  void behindAProxyThatWritesForwardedItsForIsTheClientAndXForwardedForIsNot() {
    Api on = forwarded.api;
    member(on, "iris", "pw-iris");

    Api.Res v6 = login(on, "iris", "pw-iris", "Forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https");
    assertThat(v6.json().get("ip").asText()).isEqualTo("2001:db8:cafe:0:0:0:0:17");
    Api.Res spoofed = login(on, "iris", "pw-iris", "X-Forwarded-For", "203.0.113.90");
    assertThat(spoofed.json().get("ip").asText()).isEqualTo("127.0.0.1");
  }
}
