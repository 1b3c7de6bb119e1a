package dev.sessiond.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sessiond.client.SessiondClient;
import dev.sessiond.client.VerifiedSession;
import dev.sessiond.core.SessionPolicy;
import dev.sessiond.core.Tokens;
import dev.sessiond.server.Config;
import dev.sessiond.server.Main;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java client's cache hit ({@code verify} of a cached token, against a real server in this
 * JVM whose sessions it cached), beside its floor (SHA-256 of the token and a lookup in a map of
 * as many entries) and beside verifying a signed JWT with Nimbus (parse and check the signature:
 * RS256 with a 2048-bit key, ES256). Run with {@code -prof gc} for bytes allocated per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientHitBench {

  @Param({"10000"})
  int sessions;

  private Main.Running server;
  private SessiondClient client;
  private String[] tokens;
  private final ConcurrentHashMap<Key, Object> floorMap = new ConcurrentHashMap<>();
  private String rs256;
  private String es256;
  private RSASSAVerifier rsVerifier;
  private ECDSAVerifier ecVerifier;
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  });

  /** The floor's key: two longs of the digest, as the client files its entries. */
  record Key(long high, long low) {}

  private static Key key(String token) {
    byte[] d = SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    long l = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
      l = (l << 8) | (d[i + 8] & 0xff);
    }
    return new Key(h, l);
  }

  @Setup(Level.Trial)
  public void setup() throws Exception {
    String apiToken = Tokens.newToken();
    server = Main.start(new Config("127.0.0.1", 0, Config.StoreKind.MEMORY, null, "admin", "bench-admin-password", apiToken,
        SessionPolicy.defaults(), false, true, Duration.ofSeconds(10), Duration.ofSeconds(5), null, List.of(), 0,
        Config.ForwardAuth.NONE, List.of(), Config.Webhooks.NONE));
    URI uri = URI.create("http://127.0.0.1:" + server.port());
    HttpClient http = HttpClient.newHttpClient();
    String key = post(http, uri, "/api/keys", "{\"name\":\"bench\",\"scopes\":[\"verify\"]}", apiToken).split("\"key\":\"")[1].split("\"")[0];
    client = SessiondClient.builder(uri).apiKey(key).build();
    tokens = new String[sessions];
    for (int i = 0; i < sessions; i++) {
      String body = post(http, uri, "/api/sessions", "{\"user_id\":\"bench-" + (i % 1000) + "\"}", apiToken);
      tokens[i] = body.split("\"token\":\"")[1].split("\"")[0];
      Optional<VerifiedSession> s = client.verify(tokens[i]);
      if (s.isEmpty()) {
        throw new IllegalStateException("a new session did not verify");
      }
      floorMap.put(key(tokens[i]), s.get());
    }
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("user-42").issuer("https://auth.example.com")
        .audience("app").expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).claim("sid", Tokens.newId())
        .claim("is_admin", false).build();
    SignedJWT r = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    r.sign(new RSASSASigner(rsa));
    rs256 = r.serialize();
    SignedJWT e = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
    e.sign(new ECDSASigner(ec));
    es256 = e.serialize();
    rsVerifier = new RSASSAVerifier(rsa.toRSAPublicKey());
    ecVerifier = new ECDSAVerifier(ec.toECPublicKey());
  }

  private static String post(HttpClient http, URI uri, String path, String body, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri.resolve(path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    server.close();
  }

  private String anyToken() {
    return tokens[ThreadLocalRandom.current().nextInt(tokens.length)];
  }

  @Benchmark
  public Optional<VerifiedSession> clientHit() {
    return client.verify(anyToken());
  }

  @Benchmark
  public Object floorSha256AndMapLookup() {
    return floorMap.get(key(anyToken()));
  }

  @Benchmark
  public boolean nimbusRs256() throws Exception {
    return SignedJWT.parse(rs256).verify(rsVerifier);
  }

  @Benchmark
  public boolean nimbusEs256() throws Exception {
    return SignedJWT.parse(es256).verify(ecVerifier);
  }
}
