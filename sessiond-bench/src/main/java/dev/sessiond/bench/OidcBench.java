package dev.sessiond.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sessiond.core.SessionPolicy;
import dev.sessiond.server.Config;
import dev.sessiond.server.Main;
import dev.sessiond.server.oidc.ProviderSettings;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * sessiond's OpenID Connect paths under load, against a stand-in provider in this JVM (discovery,
 * JWKS, and a token endpoint that answers any code with an RS256 ID token carrying the nonce the
 * code names: what a provider costs is not measured, what sessiond does with its answer is).
 * Two nodes on the Redis at {@code redisUri}. (1) Sign-ins per second, {@code threads} at once:
 * {@code GET /login/oidc/bench} then its callback (state cookie, token request, ID token check,
 * session, link). (2) From the provider's back-channel POST to node A until the last of
 * {@code sockets} live sockets of that provider session, held by node B, closed; p50 and p99 over
 * {@code rounds}. {@code java -cp sessiond-bench.jar dev.sessiond.bench.OidcBench redis://127.0.0.1:6390 2000 8 50 10}.
 */
public final class OidcBench {

  private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

  public static void main(String[] args) throws Exception {
    String redis = args[0];
    int signIns = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    int sockets = args.length > 4 ? Integer.parseInt(args[4]) : 10;

    RSAKey key = new RSAKeyGenerator(2048).keyID("bench").algorithm(JWSAlgorithm.RS256).generate();
    idTokenCheck(key);
    HttpServer op = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    String issuer = "http://127.0.0.1:" + op.getAddress().getPort();
    op.createContext("/.well-known/openid-configuration", x -> reply(x, "{\"issuer\":\"" + issuer + "\","
        + "\"authorization_endpoint\":\"" + issuer + "/auth\",\"token_endpoint\":\"" + issuer + "/token\","
        + "\"jwks_uri\":\"" + issuer + "/jwks\",\"response_types_supported\":[\"code\"],"
        + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
    op.createContext("/jwks", x -> reply(x, new JWKSet(key.toPublicJWK()).toString()));
    op.createContext("/token", x -> {
      String form = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String[] code = param(form, "code").split("\\.");   // nonce.sub.sid
      Instant now = Instant.now();
      try {
        String idToken = sign(key, new JWTClaimsSet.Builder().issuer(issuer).audience("sessiond").subject(code[1])
            .claim("sid", code[2]).claim("nonce", code[0]).claim("name", "Bench " + code[1])
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build());
        reply(x, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken + "\"}");
      } catch (Exception e) {
        x.sendResponseHeaders(500, -1);
        x.close();
      }
    });
    op.setExecutor(Executors.newFixedThreadPool(4));
    op.start();

    Path dir = Files.createTempDirectory("sessiond-oidc-bench");
    ProviderSettings bench = new ProviderSettings("bench", "Bench", issuer, "sessiond", "bench-secret", null, null,
        null, null, null, null, null, null, false, true);
    int portA = freePort();
    Main.Running a = Main.start(config(redis, dir.resolve("a"), portA, bench));
    Main.Running b = Main.start(config(redis, dir.resolve("b"), 0, bench));
    String nodeA = "http://127.0.0.1:" + a.port();
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    try {
      for (int i = 0; i < 200; i++) {
        signIn(http, nodeA, "warm-" + i, "warm-sid-" + i);   // JIT, discovery, the JWKS fetched once
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      AtomicLong next = new AtomicLong();
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          long i;
          while ((i = next.getAndIncrement()) < signIns) {
            signIn(http, nodeA, "user-" + i, "sid-" + i);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      System.out.printf("sign-ins through the provider (two nodes on Redis, %d at once): %d in %.2f s, %.0f per second%n",
          threads, signIns, seconds, signIns / seconds);

      long[] micros = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        String sub = "logout-" + r;
        String sid = "logout-sid-" + r;
        List<CompletableFuture<Long>> closed = new ArrayList<>();
        for (int s = 0; s < sockets; s++) {
          String token = signIn(http, nodeA, sub, sid);
          CompletableFuture<Long> at = new CompletableFuture<>();
          CompletableFuture<Void> ready = new CompletableFuture<>();
          http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + b.port() + "/api/ws?token=" + token),
              new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                  ready.complete(null);
                  ws.request(1);
                  return null;
                }

                @Override
                public java.util.concurrent.CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                  at.complete(code == 4011 ? System.nanoTime() : -1L);
                  return null;
                }
              }).join();
          ready.get(10, TimeUnit.SECONDS);   // system/init: the socket is held by node B
          closed.add(at);
        }
        Instant now = Instant.now();
        String logout = sign(key, new JWTClaimsSet.Builder().issuer(issuer).audience("sessiond").subject(sub)
            .claim("sid", sid).jwtID(UUID.randomUUID().toString()).claim("events", Map.of(EVENT, Map.of()))
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120))).build());
        long sent = System.nanoTime();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(nodeA + "/login/oidc/bench/backchannel-logout"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + logout)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          throw new IllegalStateException("back-channel logout answered " + answer.statusCode() + ": " + answer.body());
        }
        long last = 0;
        for (CompletableFuture<Long> c : closed) {
          long t = c.get(10, TimeUnit.SECONDS);
          if (t < 0) {
            throw new IllegalStateException("a socket closed with another code than 4011");
          }
          last = Math.max(last, t);
        }
        micros[r] = (last - sent) / 1000;
      }
      Arrays.sort(micros);
      System.out.printf("back-channel POST to node A until the last of %d sockets on node B closed (%d rounds): "
          + "p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", sockets, rounds, micros[rounds / 2] / 1000.0,
          micros[(int) Math.ceil(rounds * 0.99) - 1] / 1000.0, micros[rounds - 1] / 1000.0);
    } finally {
      b.close();
      a.close();
      op.stop(0);
      ((ExecutorService) op.getExecutor()).shutdownNow();
    }
  }

  /**
   * The ID token check alone, as the callback makes it (Nimbus IDTokenValidator: RS256 signature
   * against the provider's key, iss, aud, exp, iat, nonce), keys in memory: one thread, after a warm-up.
   */
  private static void idTokenCheck(RSAKey key) throws Exception {
    com.nimbusds.openid.connect.sdk.validators.IDTokenValidator validator =
        new com.nimbusds.openid.connect.sdk.validators.IDTokenValidator(new com.nimbusds.oauth2.sdk.id.Issuer("https://op"),
            new com.nimbusds.oauth2.sdk.id.ClientID("sessiond"), JWSAlgorithm.RS256, new JWKSet(key.toPublicJWK()));
    Instant now = Instant.now();
    String token = sign(key, new JWTClaimsSet.Builder().issuer("https://op").audience("sessiond").subject("u")
        .claim("nonce", "n").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600))).build());
    com.nimbusds.openid.connect.sdk.Nonce nonce = new com.nimbusds.openid.connect.sdk.Nonce("n");
    for (int i = 0; i < 20000; i++) {
      validator.validate(com.nimbusds.jwt.JWTParser.parse(token), nonce);
    }
    int n = 20000;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      validator.validate(com.nimbusds.jwt.JWTParser.parse(token), nonce);
    }
    double micros = (System.nanoTime() - start) / 1000.0 / n;
    System.out.printf("ID token check (parse + RS256 + claims, Nimbus IDTokenValidator, one thread): %.1f µs, %.0f per second%n",
        micros, 1e6 / micros);
  }

  /** One sign-in through node A: start, then the callback with the state cookie; returns the session token. */
  private static String signIn(HttpClient http, String node, String sub, String sid) throws Exception {
    HttpResponse<Void> start = http.send(HttpRequest.newBuilder(URI.create(node + "/login/oidc/bench")).build(),
        HttpResponse.BodyHandlers.discarding());
    URI to = URI.create(start.headers().firstValue("Location").orElseThrow());
    String state = param(to.getRawQuery(), "state");
    String nonce = param(to.getRawQuery(), "nonce");
    String cookie = start.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sessiond_oidc="))
        .findFirst().orElseThrow().split(";")[0];
    HttpResponse<Void> back = http.send(HttpRequest.newBuilder(URI.create(node + "/login/oidc/bench/callback?code="
        + nonce + "." + sub + "." + sid + "&state=" + state)).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.discarding());
    if (back.statusCode() != 303) {
      throw new IllegalStateException("the callback answered " + back.statusCode());
    }
    return back.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sessiond_session="))
        .findFirst().orElseThrow().split(";")[0].substring("sessiond_session=".length());
  }

  private static String param(String query, String name) {
    Map<String, String> out = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out.get(name);
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static void reply(HttpExchange x, String json) throws java.io.IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, body.length);
    x.getResponseBody().write(body);
    x.close();
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Config config(String redis, Path dir, int port, ProviderSettings provider) {
    int p = port == 0 ? 0 : port;
    return new Config("127.0.0.1", p, Config.StoreKind.REDIS, dir, "admin", "bench-admin-password", null,
        new SessionPolicy(Duration.ofHours(1), Duration.ofHours(24), 0, SessionPolicy.OnLimit.EVICT_OLDEST), false, true,
        Duration.ofSeconds(10), Duration.ofSeconds(5), redis, List.of(), 0,
        new Config.ForwardAuth("http://127.0.0.1:" + (port == 0 ? 1 : port), null, List.of()), List.of(),
        Config.Webhooks.NONE).withOidcProviders(List.of(provider));
  }
}
