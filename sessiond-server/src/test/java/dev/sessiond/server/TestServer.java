package dev.sessiond.server;

import dev.sessiond.core.SessionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** The real server, in this JVM, on a free port of 127.0.0.1, with a known admin and API token. */
final class TestServer implements AutoCloseable {

  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "correct horse battery staple";
  static final String API_TOKEN = "it-api-token-5b0f3c1e9a7d4c2b8e6f0a1d3c5e7f9b";

  final Main.Running running;
  final Api api;
  final Config config;

  private TestServer(Config config) throws Exception {
    this.config = config;
    this.running = Main.start(config);
    this.api = new Api(running.port());
  }

  static Config config(Path dataDir) {
    return new Config("127.0.0.1", 0, Config.StoreKind.EMBEDDED, dataDir, ADMIN, ADMIN_PASSWORD, API_TOKEN,
        SessionPolicy.defaults(), false, true,
        Duration.ofSeconds(10), Duration.ofSeconds(5), null, java.util.List.of(), 0, Config.ForwardAuth.NONE, java.util.List.of(),
        Config.Webhooks.NONE);
  }

  static TestServer start(Path dataDir) throws Exception {
    return new TestServer(config(dataDir));
  }

  static TestServer start(Path dataDir, UnaryOperator<Config> tweak) throws Exception {
    return new TestServer(tweak.apply(config(dataDir)));
  }

  int port() {
    return running.port();
  }

  /** Logs the admin in and returns its token. */
  String adminToken() {
    return api.login(ADMIN, ADMIN_PASSWORD);
  }

  @Override
  public void close() {
    running.close();
  }
}
