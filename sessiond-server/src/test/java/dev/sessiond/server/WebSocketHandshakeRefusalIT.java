package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * WebSocket upgrades the README refuses with 403 JSON: the API token (it is nobody's session)
 * and a session cookie sent from another site (cross-site WebSocket hijacking); the same cookie
 * from sessiond's own origin is upgraded, and a refusal leaves the session as it was.
 */
class WebSocketHandshakeRefusalIT extends OneServerPerClass {

  record Answer(String statusLine, Map<String, String> headers, String body) {}

  @Test
  void theApiTokenIsRefusedWith403WhereverItIsSent() throws Exception {
    assertRefused(upgrade("", "Authorization: " + bearer(TestServer.API_TOKEN) + "\r\n"),
        "the API token has no session to connect");
    assertRefused(upgrade("?token=" + TestServer.API_TOKEN, ""), "the API token has no session to connect");
  }

  @Test
  void aSessionCookieFromAnotherSiteIsRefusedWith403AndFromOurOwnOriginUpgraded() throws Exception {
    String token = api.createSession("ws-cross-site").get("token").asText();
    String cookie = "Cookie: sessiond_session=" + token + "\r\n";

    assertRefused(upgrade("", cookie + "Origin: https://evil.example\r\n"), "cross-origin WebSocket refused");
    assertRefused(upgrade("", cookie + "Origin: http://127.0.0.1:" + (api.port + 1) + "\r\n"),
        "cross-origin WebSocket refused");
    assertRefused(upgrade("", cookie + "Sec-Fetch-Site: cross-site\r\n"), "cross-origin WebSocket refused");
    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).as("a refusal ends nothing").isEqualTo(200);

    Answer own = upgrade("", cookie + "Origin: http://127.0.0.1:" + api.port + "\r\nSec-Fetch-Site: same-origin\r\n");
    assertThat(own.statusLine()).startsWith("HTTP/1.1 101 ");
    assertThat(own.headers()).containsEntry("upgrade", "websocket").containsKey("sec-websocket-accept");
  }

  private static void assertRefused(Answer a, String message) throws IOException {
    assertThat(a.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
    assertThat(a.headers()).containsEntry("content-type", "application/json")
        .doesNotContainKeys("upgrade", "sec-websocket-accept");
    assertThat(Api.JSON.readTree(a.body())).isEqualTo(Api.JSON.readTree("{\"message\":" + Api.quote(message) + "}"));
  }

  /** A well-formed RFC 6455 upgrade of /api/ws{query} with {@code extraHeaders}; reads the answer's head and body. */
  private static Answer upgrade(String query, String extraHeaders) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", api.port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET /api/ws" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + api.port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed before the answer's head ended: " + head);
        }
        head.write(c);
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      Map<String, String> headers = new TreeMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      int length = lines[0].startsWith("HTTP/1.1 101 ") ? 0 : Integer.parseInt(headers.get("content-length"));
      return new Answer(lines[0], headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
  }
}
