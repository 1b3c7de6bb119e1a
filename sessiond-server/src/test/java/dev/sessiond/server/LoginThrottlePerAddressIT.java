package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The per-address login limit of the README: 20 failures from one client IP within 15 minutes,
 * then 429 with Retry-After for every login from that address, the right password included,
 * while other addresses log in as before. Each client sends from its own loopback address
 * (127.0.0.x: the server sees the TCP peer, which is what it throttles).
 */
class LoginThrottlePerAddressIT extends OneServerPerClass {

  static final Duration WINDOW = Duration.ofMinutes(15);

  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() throws IOException {
      return Api.JSON.readTree(body);
    }
  }

  @Test
  void theTwentyFirstLoginFromOneAddressIsRefusedEvenWithTheRightPasswordAndOthersAreNot() throws Exception {
    String guesser = "127.0.0.2";
    long first = System.nanoTime();
    for (int i = 1; i <= dev.sessiond.core.LoginService.FAILURES_PER_IP; i++) {
      // A new username each time: the per-username limit (5) never applies, only the address's.
      Answer r = login(guesser, "guess-user-" + i, "wrong-" + i);
      assertThat(r.status()).as("attempt " + i + ": " + r.body()).isEqualTo(401);
      assertThat(r.headers().get("content-type")).isEqualTo("application/json");
      assertThat(r.json()).isEqualTo(Api.JSON.readTree("{\"message\":\"wrong username or password\"}"));
    }

    Answer limited = login(guesser, "guess-user-21", "wrong-21");
    long elapsed = Duration.ofNanos(System.nanoTime() - first).toSeconds() + 1;
    assertLimited(limited, elapsed);

    Answer right = login(guesser, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    assertLimited(right, Duration.ofNanos(System.nanoTime() - first).toSeconds() + 1);

    Answer elsewhere = login("127.0.0.3", TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(200);
    assertThat(elsewhere.json().get("ip").asText()).isEqualTo("127.0.0.3");
    assertThat(api.get("/api/whoami", "Authorization", Api.bearer(elsewhere.json().get("token").asText())).status())
        .isEqualTo(200);
  }

  /** 429, JSON, and a Retry-After of the time until the first failure leaves the 15-minute window. */
  private static void assertLimited(Answer r, long elapsedSeconds) throws IOException {
    assertThat(r.status()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().get("content-type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(Api.JSON.readTree("{\"message\":\"too many failed logins, try again later\"}"));
    assertThat(r.headers()).doesNotContainKey("set-cookie");
    assertThat(Long.parseLong(r.headers().get("retry-after")))
        .isBetween(WINDOW.toSeconds() - elapsedSeconds - 1, WINDOW.toSeconds());
  }

  /** POST /api/login over a connection from {@code source}, a loopback address. */
  private static Answer login(String source, String username, String password) throws IOException {
    byte[] body = ("{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}")
        .getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", api.port), 5000);
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:" + api.port
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      return parse(all.toString(StandardCharsets.UTF_8));
    }
  }

  private static Answer parse(String response) {
    int end = response.indexOf("\r\n\r\n");
    assertThat(end).as("a whole HTTP head: " + response).isPositive();
    String[] lines = response.substring(0, end).split("\r\n");
    assertThat(lines[0]).startsWith("HTTP/1.1 ");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
          (a, b) -> a + "\n" + b);
    }
    String body = response.substring(end + 4);
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(Integer.parseInt(headers.get("content-length")));
    return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
  }
}
