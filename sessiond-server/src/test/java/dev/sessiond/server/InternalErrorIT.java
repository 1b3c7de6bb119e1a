package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.store.redis.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's answer to an unexpected failure: 500 {@code {"message":"internal error, logged as
 * <id>"}}, and the server's log holds that id with the stack trace. What fails here is real: a
 * member's record in Redis overwritten under the server by something else (a stray script, a
 * hand edit) with a profile that is not JSON, which the server cannot read.
 */
class InternalErrorIT {

  private static final Pattern LOGGED_AS = Pattern.compile("internal error, logged as ([0-9a-f]{24})");

  @Test
  void aRecordTheServerCannotReadIsA500WhoseIdTheLogHoldsWithTheStackTrace(@TempDir Path dir) throws Exception {
    try (RedisProcess redis = RedisProcess.launch();
        ServerProcess server = ServerProcess.serve(dir, "--store", "redis", "--redis-uri", redis.uri())) {
      Api api = server.api();
      Api.Res created = api.post("/api/members", "{\"username\":\"corrupted\",\"password\":\"pw-corrupted\"}",
          "Authorization", bearer(TestServer.API_TOKEN));
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      String member = created.json().get("id").asText();
      String path = "/api/members/" + member;
      assertThat(api.get(path, "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(200);

      RedisClient client = RedisClient.create(redis.uri());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().hset("sd:m:" + member, "profile", "{not json")).isFalse();   // an existing field, overwritten
      } finally {
        client.shutdown();
      }

      // Api fails on any 5xx but 503; this answer is the documented exception, so it is read with a bare client.
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
              .header("Authorization", bearer(TestServer.API_TOKEN)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      Matcher m = LOGGED_AS.matcher(Api.JSON.readTree(r.body()).path("message").asText());
      assertThat(m.matches()).as(r.body()).isTrue();
      assertThat(Api.JSON.readTree(r.body())).isEqualTo(Api.JSON.readTree("{\"message\":" + Api.quote(m.group(0)) + "}"));
      OpenApiCheck.check("GET", path, new Api.Res(r.statusCode(), r.body(), r.headers()));
      String id = m.group(1);

      // A line the server logs after the error: once it is read, so is the whole trace before it.
      assertThat(api.post("/api/login", "{\"username\":\"after-the-error\",\"password\":\"x\"}").status()).isEqualTo(401);
      List<String> trace = awaitLogged(server, id, "login refused username=after-the-error");
      assertThat(trace.get(0)).contains(" ERROR ").contains("Errors - internal error " + id + " on GET " + path);
      assertThat(trace.get(1)).isEqualTo("java.lang.IllegalStateException: a stored profile is not valid JSON");
      assertThat(trace.subList(2, trace.size())).anyMatch(l -> l.startsWith("\tat dev.sessiond.store.redis.Codec.profile("))
          .anyMatch(l -> l.startsWith("Caused by: com.fasterxml.jackson.core.JsonParseException"));
      assertThat(server.outputText()).as("the log names the failure, never the token")
          .doesNotContain(TestServer.API_TOKEN);

      assertThat(api.get("/health").status()).as("the server keeps serving").isEqualTo(200);
    }
  }

  /** The log line naming {@code id} and the lines after it, up to the line containing {@code marker}. */
  private static List<String> awaitLogged(ServerProcess server, String id, String marker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = List.copyOf(server.output);
      int end = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(marker)) {
          end = i;
        }
      }
      for (int i = 0; i < end; i++) {
        if (lines.get(i).contains(id)) {
          return lines.subList(i, end);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no log line names " + id + " before '" + marker + "' within 10 s: " + server.outputText());
  }
}
