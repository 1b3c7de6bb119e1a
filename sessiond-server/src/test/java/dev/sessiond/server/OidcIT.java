package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import dev.sessiond.server.oidc.OidcProvider;
import dev.sessiond.server.oidc.ProviderSettings;
import dev.sessiond.store.redis.Ports;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in through a real OpenID Provider (panva's oidc-provider, its own login and consent
 * pages) and its back-channel logout, on one embedded sessiond; and each bad input of issue 24
 * sent exactly: a wrong or missing state, a code used twice, ID tokens for another audience,
 * expired, unsigned or signed by an unknown key, logout tokens replayed, without events or
 * unsigned, an unknown provider and one that is down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcIT {

  private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

  @TempDir
  static Path dir;
  private OidcProviderProcess op;
  private TestServer server;
  private String base;
  private ProviderSettings settings;

  @BeforeAll
  void start() throws Exception {
    int port = Ports.free();
    base = "http://127.0.0.1:" + port;
    op = OidcProviderProcess.start(base, "op", dir, base + "/login", base + "/bye");
    settings = new ProviderSettings("op", "Test OP", op.issuer, "sessiond", OidcProviderProcess.CLIENT_SECRET, null,
        List.of("openid", "profile", "groups"), null, "name", "groups", List.of("sessiond-admins"), "groups",
        List.of("staff"), true, true);
    ProviderSettings down = new ProviderSettings("down", "Down OP", "http://127.0.0.1:" + Ports.free(), "sessiond",
        "x", null, null, null, null, null, null, null, null, false, true);
    ProviderSettings signedClient = new ProviderSettings("op-pkjwt", "Test OP (private_key_jwt)", op.issuer,
        "sessiond-pkjwt", null, op.clientKey.toJSONString(), null, null, null, null, null, null, null, false, true);
    server = TestServer.start(dir, c -> c.withPort(port)
        .withForwardAuth(new Config.ForwardAuth(base, null, List.of()))
        .withOidcProviders(List.of(settings, down, signedClient)));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (op != null) {
      op.close();
    }
  }

  private record SignedIn(OidcBrowserless agent, String token, HttpResponse<String> answer) {}

  private SignedIn signIn(String login, String rd) throws Exception {
    OidcBrowserless agent = new OidcBrowserless(base);
    String callback = agent.throughProvider("op", rd, login);
    HttpResponse<String> answer = agent.get(callback);
    return new SignedIn(agent, agent.cookie("sessiond_session"), answer);
  }

  private HttpResponse<String> whoami(String token) throws Exception {
    return new OidcBrowserless(base).http.send(HttpRequest.newBuilder(URI.create(base + "/api/whoami"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSignInOnTheProvidersOwnPageMakesASessionAndGoesBackToRd() throws Exception {
    SignedIn alice = signIn("alice", base + "/admin/");
    assertThat(alice.answer().statusCode()).isEqualTo(303);
    assertThat(alice.answer().headers().firstValue("Location")).contains(base + "/admin/");
    assertThat(alice.token()).isNotBlank();
    HttpResponse<String> me = whoami(alice.token());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).contains("\"op:alice\"").contains("User alice").containsPattern("\"is_admin\"\\s*:\\s*false");
    // "Your devices": the session is listed like any other.
    HttpResponse<String> devices = alice.agent().http.send(HttpRequest.newBuilder(URI.create(base + "/api/me/sessions"))
        .header("Authorization", "Bearer " + alice.token()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(devices.statusCode()).isEqualTo(200);
    assertThat(devices.body()).contains("op:alice");
    assertThat(whoami(signIn("admin-erin", null).token()).body()).containsPattern("\"is_admin\"\\s*:\\s*true");
  }

  @Test
  void aClientThatSignsItsOwnAssertionSignsInToo() throws Exception {
    OidcBrowserless agent = new OidcBrowserless(base);
    HttpResponse<String> answer = agent.get(agent.throughProvider("op-pkjwt", null, "walter"));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
    assertThat(whoami(agent.cookie("sessiond_session")).body()).contains("\"op-pkjwt:walter\"");
  }

  @Test
  void signingOutAtTheProviderEndsTheSessionThroughItsBackChannelAndClosesTheSocketWith4011() throws Exception {
    SignedIn bob = signIn("bob", null);
    WsClient socket = WsClient.connect(server.port(), bob.token());
    socket.next("system/init");
    bob.agent().follow(op.issuer + "/session/end", "bob");
    assertThat(socket.closed.get(30, java.util.concurrent.TimeUnit.SECONDS).code()).isEqualTo(4011);
    assertThat(whoami(bob.token()).statusCode()).isEqualTo(401);
    assertThat(server.api.get("/api/events?limit=1000", "Authorization", "Bearer " + TestServer.API_TOKEN).body())
        .contains("provider_logout");
  }

  @Test
  void signingOutOfSessiondEndsTheProvidersSessionToo() throws Exception {
    SignedIn dave = signIn("dave", null);
    HttpResponse<String> out = dave.agent().post(base + "/logout", Map.of("rd", base + "/bye"));
    assertThat(out.statusCode()).isEqualTo(303);
    String to = out.headers().firstValue("Location").orElseThrow();
    assertThat(to).startsWith(op.issuer + "/session/end").contains("id_token_hint=").contains("client_id=sessiond")
        .contains("post_logout_redirect_uri=" + java.net.URLEncoder.encode(base + "/bye", java.nio.charset.StandardCharsets.UTF_8));
    assertThat(whoami(dave.token()).statusCode()).isEqualTo(401);
  }

  @Test
  void aWrongOrMissingStateIsRefusedAndMakesNoSession() throws Exception {
    OidcBrowserless agent = new OidcBrowserless(base);
    String callback = agent.throughProvider("op", null, "mallory");
    HttpResponse<String> wrong = agent.get(callback.replaceAll("state=[^&]+", "state=forged"));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("cannot be finished");
    assertThat(agent.cookie("sessiond_session")).isNull();
    OidcBrowserless other = new OidcBrowserless(base);   // never started a sign-in: no state cookie
    HttpResponse<String> missing = other.get(callback);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(other.cookie("sessiond_session")).isNull();
  }

  @Test
  void aCodeUsedTwiceIsRefusedByTheProvider() throws Exception {
    OidcBrowserless agent = new OidcBrowserless(base);
    String callback = agent.throughProvider("op", null, "trent");
    String state = agent.cookie("sessiond_oidc");
    HttpResponse<String> first = agent.get(callback);
    assertThat(first.statusCode()).isEqualTo(303);
    HttpResponse<String> again = agent.http.send(HttpRequest.newBuilder(URI.create(callback))
        .header("Cookie", "sessiond_oidc=" + state).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("the provider refused the code");
  }

  private JWTClaimsSet.Builder idToken() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(op.issuer).audience("sessiond").subject("alice")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).claim("nonce", "n-1");
  }

  @Test
  void idTokensForAnotherAudienceExpiredUnsignedOrByAnUnknownKeyAreRefused() throws Exception {
    OidcProvider provider = new OidcProvider(settings, base);
    assertThat(provider.checkIdToken(JWTParser.parse(OidcProviderProcess.sign(op.key, idToken().build(), null)), "n-1")
        .getSubject().getValue()).isEqualTo("alice");
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-the-providers").generate();
    Instant past = Instant.now().minus(Duration.ofHours(1));
    Map<String, String> bad = Map.of(
        "another audience", OidcProviderProcess.sign(op.key, idToken().audience("another-client").build(), null),
        "expired", OidcProviderProcess.sign(op.key, idToken().issueTime(Date.from(past.minusSeconds(300)))
            .expirationTime(Date.from(past)).build(), null),
        "alg none", new PlainJWT(idToken().build()).serialize(),
        "unknown key", OidcProviderProcess.sign(stranger, idToken().build(), null),
        "another nonce", OidcProviderProcess.sign(op.key, idToken().claim("nonce", "n-2").build(), null));
    for (Map.Entry<String, String> e : bad.entrySet()) {
      assertThatThrownBy(() -> provider.checkIdToken(JWTParser.parse(e.getValue()), "n-1")).as(e.getKey())
          .isInstanceOf(OidcProvider.Refused.class);
    }
  }

  private JWTClaimsSet.Builder logoutToken(String sub) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(op.issuer).audience("sessiond").subject(sub)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120))).jwtID(UUID.randomUUID().toString())
        .claim("events", Map.of(EVENT, Map.of()));
  }

  private HttpResponse<String> backChannel(String provider, String token) throws Exception {
    return new OidcBrowserless(base).post(base + "/login/oidc/" + provider + "/backchannel-logout",
        token == null ? Map.of() : Map.of("logout_token", token));
  }

  @Test
  void aLogoutTokenBySubjectEndsEveryOneOfItsSessionsOnceAndNeverTwice() throws Exception {
    SignedIn first = signIn("peggy", null);
    SignedIn second = signIn("peggy", null);
    String token = OidcProviderProcess.sign(op.key, logoutToken("peggy").build(), "logout+jwt");
    assertThat(backChannel("op", token).statusCode()).isEqualTo(200);
    assertThat(whoami(first.token()).statusCode()).isEqualTo(401);
    assertThat(whoami(second.token()).statusCode()).isEqualTo(401);
    HttpResponse<String> replayed = backChannel("op", token);
    assertThat(replayed.statusCode()).isEqualTo(400);
    assertThat(replayed.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(replayed.body()).contains("\"error\":\"invalid_request\"").contains("used before");
  }

  @Test
  void badLogoutTokensAreRefusedWith400AndEndNothing() throws Exception {
    SignedIn victor = signIn("victor", null);
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-the-providers").generate();
    Map<String, String> bad = Map.of(
        "without events", OidcProviderProcess.sign(op.key, logoutToken("victor").claim("events", null).build(), null),
        "with a nonce", OidcProviderProcess.sign(op.key, logoutToken("victor").claim("nonce", "n").build(), null),
        "another audience", OidcProviderProcess.sign(op.key, logoutToken("victor").audience("other").build(), null),
        "alg none", new PlainJWT(logoutToken("victor").build()).serialize(),
        "unknown key", OidcProviderProcess.sign(stranger, logoutToken("victor").build(), null),
        "neither sid nor sub", OidcProviderProcess.sign(op.key, logoutToken("victor").subject(null).build(), null),
        "not a JWT", "not-a-jwt");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      HttpResponse<String> r = backChannel("op", e.getValue());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(r.body()).as(e.getKey()).contains("\"message\"");
    }
    assertThat(backChannel("op", null).statusCode()).isEqualTo(400);
    assertThat(backChannel("nope", OidcProviderProcess.sign(op.key, logoutToken("victor").build(), null)).statusCode())
        .isEqualTo(404);
    assertThat(whoami(victor.token()).statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownProviderIs404AndOneThatIsDownIs503WhilePasswordsStillWork() throws Exception {
    OidcBrowserless agent = new OidcBrowserless(base);
    assertThat(agent.get(base + "/login/oidc/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> down = agent.get(base + "/login/oidc/down");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(down.body()).contains("Down OP cannot be reached");
    HttpResponse<String> page = agent.get(base + "/login");
    assertThat(page.body()).contains("href=\"login/oidc/op\"").contains("Sign in with Test OP").contains("login-password");
    HttpResponse<String> password = agent.post(base + "/login",
        Map.of("username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD, "rd", ""));
    assertThat(password.statusCode()).isEqualTo(303);
  }
}
