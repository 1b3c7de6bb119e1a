package dev.sessiond.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessiond.core.SessionPolicy;
import dev.sessiond.server.Config;
import dev.sessiond.server.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The real sessiond in this JVM on a free port of 127.0.0.1 (embedded store, or a Redis the test started), and calls to it. */
final class Sessiond extends Remote implements AutoCloseable {

  static final String API_TOKEN = "client-it-api-token-8c1d2e3f4a5b6c7d8e9f0a1b";

  final Main.Running running;

  private Sessiond(Config config) throws Exception {
    this(Main.start(config));
  }

  private Sessiond(Main.Running running) {
    super(URI.create("http://127.0.0.1:" + running.port()));
    this.running = running;
  }

  static Sessiond embedded(Path dir, SessionPolicy policy) throws Exception {
    return new Sessiond(new Config("127.0.0.1", 0, Config.StoreKind.EMBEDDED, dir, "admin", "admin-password-for-client-its",
        API_TOKEN, policy, false, true, Duration.ofSeconds(10), Duration.ofSeconds(5), null, List.of(), 0,
        Config.ForwardAuth.NONE, List.of(), Config.Webhooks.NONE));
  }

  static Sessiond embedded(Path dir) throws Exception {
    return embedded(dir, SessionPolicy.defaults());
  }

  static Sessiond redis(String redisUri) throws Exception {
    return new Sessiond(new Config("127.0.0.1", 0, Config.StoreKind.REDIS, null, "admin", "admin-password-for-client-its",
        API_TOKEN, SessionPolicy.defaults(), false, true, Duration.ofSeconds(10), Duration.ofSeconds(5), redisUri, List.of(), 0,
        Config.ForwardAuth.NONE, List.of(), Config.Webhooks.NONE));
  }

  @Override
  public void close() {
    running.close();
  }
}
