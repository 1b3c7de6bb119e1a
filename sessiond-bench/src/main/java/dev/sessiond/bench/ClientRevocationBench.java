package dev.sessiond.bench;

import dev.sessiond.client.SessiondClient;
import dev.sessiond.core.SessionPolicy;
import dev.sessiond.core.Tokens;
import dev.sessiond.server.Config;
import dev.sessiond.server.Main;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Revocation to refusal with the Java client: for each of {@code n} cached sessions, the time
 * from the answer of {@code DELETE /api/sessions/{id}} until {@code client.verify(token)}
 * refuses it (polled without pause), p50 and p99. One node (embedded store), or two nodes on the
 * Redis at {@code redisUri} (the revocation on node A, the client following node B).
 * {@code java -cp sessiond-bench.jar dev.sessiond.bench.ClientRevocationBench 1000 [redis://127.0.0.1:6390]}.
 */
public final class ClientRevocationBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    String redis = args.length > 1 ? args[1] : null;
    String apiToken = Tokens.newToken();
    Path dir = Files.createTempDirectory("sessiond-revocation-bench");
    Main.Running a = Main.start(config(apiToken, redis, dir.resolve("a")));
    Main.Running b = redis == null ? a : Main.start(config(apiToken, redis, dir.resolve("b")));
    URI uriA = URI.create("http://127.0.0.1:" + a.port());
    URI uriB = URI.create("http://127.0.0.1:" + b.port());
    HttpClient http = HttpClient.newHttpClient();
    String key = call(http, uriA, "POST", "/api/keys", "{\"name\":\"bench\",\"scopes\":[\"verify\"]}", apiToken)
        .split("\"key\":\"")[1].split("\"")[0];
    try (SessiondClient client = SessiondClient.builder(uriB).apiKey(key).build()) {
      String[] ids = new String[n];
      String[] tokens = new String[n];
      for (int i = 0; i < n; i++) {
        String body = call(http, uriA, "POST", "/api/sessions", "{\"user_id\":\"bench-" + i + "\"}", apiToken);
        tokens[i] = body.split("\"token\":\"")[1].split("\"")[0];
        ids[i] = body.split("\"id\":\"")[1].split("\"")[0];
        client.verify(tokens[i]);
      }
      long[] micros = new long[n];
      for (int i = 0; i < n; i++) {
        if (client.verify(tokens[i]).isEmpty()) {
          throw new IllegalStateException("not cached");
        }
        call(http, uriA, "DELETE", "/api/sessions/" + ids[i], null, apiToken);
        long answered = System.nanoTime();
        long deadline = answered + Duration.ofSeconds(10).toNanos();
        while (client.verify(tokens[i]).isPresent()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not refused within 10 s");
          }
          Thread.onSpinWait();
        }
        micros[i] = (System.nanoTime() - answered) / 1000;
      }
      Arrays.sort(micros);
      System.out.printf("revocation to refusal (%s, %d revocations): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          redis == null ? "one node, embedded" : "node A to a client of node B, Redis", n, micros[n / 2] / 1000.0,
          micros[(int) Math.ceil(n * 0.99) - 1] / 1000.0, micros[n - 1] / 1000.0);
    } finally {
      if (b != a) {
        b.close();
      }
      a.close();
    }
  }

  private static Config config(String apiToken, String redis, Path dir) {
    return new Config("127.0.0.1", 0, redis == null ? Config.StoreKind.EMBEDDED : Config.StoreKind.REDIS, dir, "admin",
        "bench-admin-password", apiToken, SessionPolicy.defaults(), false, true, Duration.ofSeconds(10), Duration.ofSeconds(5),
        redis, List.of(), 0, Config.ForwardAuth.NONE, List.of(), Config.Webhooks.NONE);
  }

  private static String call(HttpClient http, URI uri, String method, String path, String body, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri.resolve(path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
