package dev.sessiond.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed cut without a sign: sessiond, as its own process, stopped with SIGSTOP (its sockets
 * stay open, nothing comes). The client drops its cache within its bound and, sessiond not
 * answering either, refuses to answer (throws); after SIGCONT it follows again and caches again.
 */
class SessiondClientFeedCutIT {

  @TempDir
  Path dir;

  @Test
  void aStoppedServerMakesTheClientThrowWithinItsBoundAndItRecoversAfterSigcont() throws Exception {
    int port = dev.sessiond.store.redis.Ports.free();
    Process server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.sessiond.server.Main", "serve", "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString(), "--api-token", Sessiond.API_TOKEN,
        "--admin-password", "admin-password-for-client-its")).redirectErrorStream(true).start();
    CountDownLatch listening = new CountDownLatch(1);
    Thread out = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.contains("listening on")) {
            listening.countDown();
          }
        }
      } catch (Exception ignored) {
        // the process is gone
      }
    });
    out.setDaemon(true);
    out.start();
    try {
      assertThat(listening.await(120, TimeUnit.SECONDS)).as("sessiond started").isTrue();
      Remote remote = new Remote(URI.create("http://127.0.0.1:" + port));
      String token = remote.session("app:stopped").get("token").asText();
      Duration bound = Duration.ofSeconds(2);
      Duration requestTimeout = Duration.ofSeconds(1);
      try (SessiondClient client = SessiondClient.builder(remote.uri).apiKey(remote.key("verify")).feedLossBound(bound)
          .requestTimeout(requestTimeout).build()) {
        assertThat(client.verify(token)).isPresent();
        assertThat(client.verify(token)).isPresent();
        assertThat(client.stats().hits()).isEqualTo(1);

        signal("STOP", server.pid());
        long stopped = System.nanoTime();
        while (true) {
          // Timed from when it was asked, so that a slow test thread cannot blame the client.
          long asked = System.nanoTime();
          try {
            assertThat(client.verify(token)).isPresent();
            assertThat(Duration.ofNanos(asked - stopped)).as("answered from the cache within the bound only (and a tick of its watchdog)")
                .isLessThan(bound.plusSeconds(1));
          } catch (SessiondUnavailableException expected) {
            break;
          }
          Thread.sleep(20);
        }
        long threwAfter = (System.nanoTime() - stopped) / 1_000_000;
        System.out.println("client: SIGSTOP, verify threw after " + threwAfter + " ms (bound " + bound.toMillis() + " ms)");
        // Once the cache is dropped, a verify asks sessiond and gives up after the request timeout; the rest is the
        // machine's slack (a liveness margin: the safety check is the one above).
        assertThat(threwAfter).isLessThan(bound.plus(requestTimeout).plusSeconds(3).toMillis());
        assertThatThrownBy(() -> client.verify(token)).isInstanceOf(SessiondUnavailableException.class);

        signal("CONT", server.pid());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!client.stats().feedAlive()) {
          assertThat(System.nanoTime()).as("the feed back after SIGCONT").isLessThan(deadline);
          Thread.sleep(50);
        }
        assertThat(client.verify(token)).isPresent();
        long hits = client.stats().hits();
        assertThat(client.verify(token)).isPresent();
        assertThat(client.stats().hits()).isEqualTo(hits + 1);
      }
    } finally {
      signal("CONT", server.pid());
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static void signal(String name, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
  }
}
