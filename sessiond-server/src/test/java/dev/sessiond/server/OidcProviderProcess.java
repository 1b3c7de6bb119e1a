package dev.sessiond.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sessiond.store.redis.Ports;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * panva's oidc-provider (src/test/oidc-provider, installed from its package-lock.json with
 * {@code npm ci} on first use), started on a free port with the static client {@code sessiond}.
 * Its signing key is one this class made, so that a test can sign tokens as the provider.
 */
final class OidcProviderProcess implements AutoCloseable {

  static final String CLIENT_SECRET = "sessiond-test-client-secret-0b9f";
  private static final Path DIR = Path.of("src/test/oidc-provider").toAbsolutePath();

  final int port;
  final String issuer;
  final RSAKey key;
  /** The private key of the client {@code sessiond-pkjwt} (private_key_jwt), whose callback is provider {@code <name>-pkjwt}'s. */
  final RSAKey clientKey;
  private final Process process;

  private OidcProviderProcess(int port, RSAKey key, RSAKey clientKey, Process process) {
    this.port = port;
    this.issuer = "http://127.0.0.1:" + port;
    this.key = key;
    this.clientKey = clientKey;
    this.process = process;
  }

  /** {@code sessiondUrl}: sessiond's public URL; {@code provider}: its name there. */
  static OidcProviderProcess start(String sessiondUrl, String provider, Path work, String... postLogoutUris) throws Exception {
    install();
    int port = Ports.free();
    RSAKey key = new RSAKeyGenerator(2048).keyID("op-key-1").algorithm(JWSAlgorithm.RS256).generate();
    Path jwks = work.resolve("op-jwks.json");
    Files.writeString(jwks, new JWKSet(key).toString(false));
    ProcessBuilder pb = new ProcessBuilder("node", "provider.mjs").directory(DIR.toFile()).redirectErrorStream(true);
    pb.environment().put("PORT", Integer.toString(port));
    pb.environment().put("REDIRECT_URI", sessiondUrl + "/login/oidc/" + provider + "/callback");
    pb.environment().put("BACKCHANNEL_URI", sessiondUrl + "/login/oidc/" + provider + "/backchannel-logout");
    pb.environment().put("POST_LOGOUT_URIS", postLogoutUris.length == 0 ? sessiondUrl + "/login" : String.join(",", postLogoutUris));
    pb.environment().put("CLIENT_SECRET", CLIENT_SECRET);
    pb.environment().put("JWKS_FILE", jwks.toString());
    RSAKey clientKey = new RSAKeyGenerator(2048).keyID("sessiond-client-1").algorithm(JWSAlgorithm.RS256).generate();
    pb.environment().put("PKJWT_JWKS", new JWKSet(clientKey.toPublicJWK()).toString());
    pb.environment().put("PKJWT_REDIRECT_URI", sessiondUrl + "/login/oidc/" + provider + "-pkjwt/callback");
    Process p = pb.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          System.out.println("[oidc-provider] " + line);
          if (line.startsWith("ready ")) {
            ready.complete(null);
          }
        }
      } catch (Exception e) {
        // the process ended
      }
      ready.completeExceptionally(new IllegalStateException("oidc-provider exited before it was ready"));
    }, "oidc-provider-out");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
    return new OidcProviderProcess(port, key, clientKey, p);
  }

  /**
   * node_modules from the lock file, once: under a file lock, since the test JVMs run side by side
   * and two {@code npm ci} in one directory would undo each other; done when the marker that is
   * written after a successful install is there. npm gets neither this JVM's stdin nor its stdout
   * (Node sets inherited descriptors non-blocking, which breaks the test runner's channel on them).
   */
  private static synchronized void install() throws Exception {
    Path marker = DIR.resolve("node_modules/.sessiond-installed");
    Files.createDirectories(Path.of("target"));
    try (FileChannel lockFile = FileChannel.open(Path.of("target/oidc-provider-npm.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock held = lockFile.lock();
      try {
        if (Files.isRegularFile(marker)) {
          return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
            .redirectErrorStream(true).redirectOutput(new File("target/npm-ci.log")).start();
        npm.getOutputStream().close();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
          throw new IllegalStateException("npm ci in " + DIR + " failed; see target/npm-ci.log");
        }
        Files.writeString(marker, "npm ci done\n");
      } finally {
        held.release();
      }
    }
  }

  /** A JWT with {@code claims}, signed with the provider's own key (or {@code signer}'s), typed {@code type} (may be null). */
  static String sign(RSAKey signer, JWTClaimsSet claims, String type) throws Exception {
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID());
    if (type != null) {
      header.type(new JOSEObjectType(type));
    }
    SignedJWT jwt = new SignedJWT(header.build(), claims);
    jwt.sign(new RSASSASigner(signer));
    return jwt.serialize();
  }

  List<String> describe() {
    return List.of(issuer);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
