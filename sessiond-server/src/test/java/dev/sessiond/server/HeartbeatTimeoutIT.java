package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Close code 4009 as the README's table has it: a peer silent for two {@code --ws-heartbeat}
 * intervals is told "heartbeat timeout" in {@code system/disconnect}, closed with 4009, and may
 * reconnect with the same token; a peer that answers the pings stays.
 */
class HeartbeatTimeoutIT {

  /** The test's clock: one heartbeat a second, so that two silent intervals are over in about three. */
  static final Duration BEAT = Duration.ofSeconds(1);
  /** What a loaded machine may add to the server's timers before the third beat drops the peer. */
  static final Duration LATE = Duration.ofSeconds(3);

  record Frame(int opcode, byte[] payload, long receivedAt) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPeerSilentForTwoHeartbeatsIsClosedWith4009AndMayReconnectWithTheSameToken(@TempDir Path dir) throws Exception {
    try (ServerProcess server = ServerProcess.serve(dir, "--ws-heartbeat", BEAT.toSeconds() + "s")) {
      Api api = server.api();
      JsonNode s = api.createSession("heartbeat-silent");
      String id = s.get("id").asText();
      String token = s.get("token").asText();
      // The JDK's client answers every ping by itself: the live peer beside the silent one.
      WsClient answering = WsClient.connect(server.port(), token);
      assertThat(answering.next("system/init").path("payload").path("heartbeat_interval").asDouble())
          .as("system/init tells the heartbeat, in seconds").isEqualTo((double) BEAT.toSeconds());

      List<Frame> frames = new ArrayList<>();
      long asked;
      long upgraded;
      try (Socket silent = new Socket("127.0.0.1", server.port())) {
        silent.setSoTimeout((int) BEAT.multipliedBy(20).toMillis());
        asked = System.nanoTime();
        silent.getOutputStream().write(("GET /api/ws?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = silent.getInputStream();
        assertThat(readHead(in)).startsWith("HTTP/1.1 101 ");
        upgraded = System.nanoTime();
        // Never answer anything: read what the server sends until its close frame.
        Frame f;
        do {
          f = readFrame(in);
          frames.add(f);
        } while (f.opcode() != 0x8);
      }

      Frame close = frames.get(frames.size() - 1);
      Frame disconnect = frames.get(frames.size() - 2);
      assertThat(close.closeCode()).isEqualTo(4009);
      assertThat(close.closeReason()).isEqualTo("heartbeat timeout");
      assertThat(disconnect.opcode()).isEqualTo(0x1);
      assertThat(Api.JSON.readTree(disconnect.text()))
          .isEqualTo(Api.JSON.readTree("{\"event\":\"system/disconnect\",\"payload\":{\"message\":\"heartbeat timeout\"}}"));
      assertThat(Api.JSON.readTree(frames.get(0).text()).path("event").asText()).isEqualTo("system/init");
      List<Frame> beats = frames.subList(1, frames.size() - 2);
      assertThat(beats).as("the server pinged before giving up").anyMatch(b -> b.opcode() == 0x9);
      assertThat(beats).as("and sent neko's heartbeat event").anyMatch(b -> b.opcode() == 0x1
          && b.text().equals("{\"event\":\"system/heartbeat\"}"));
      assertThat(beats).allMatch(b -> b.opcode() == 0x9 || b.text().equals("{\"event\":\"system/heartbeat\"}"));
      // Silent since before the server counted it as heard: not dropped before two intervals, and by the third beat.
      assertThat(Duration.ofNanos(close.receivedAt() - asked)).isGreaterThanOrEqualTo(BEAT.multipliedBy(2));
      assertThat(Duration.ofNanos(close.receivedAt() - upgraded))
          .isLessThanOrEqualTo(BEAT.multipliedBy(3).plusMillis(100).plus(LATE));

      assertThat(answering.closed).as("the peer that answers pings is kept").isNotDone();
      assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).as("4009 keeps the session")
          .isEqualTo(200);
      WsClient again = WsClient.connect(server.port(), token);
      assertThat(again.next("system/init").at("/payload/session_id").asText()).isEqualTo(id);
      awaitConnections(api, id, 2);
      again.socket.sendClose(1000, "bye").join();
      answering.socket.sendClose(1000, "bye").join();
    }
  }

  private static void awaitConnections(Api api, String id, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode state = null;
    while (System.nanoTime() < deadline) {
      state = api.get("/api/sessions/" + id, "Authorization", bearer(TestServer.API_TOKEN)).json().get("state");
      if (state.get("connections").asInt() == expected) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("connections never became " + expected + "; last state: " + state);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.append((char) c);
    }
    return head.toString();
  }

  /** One unmasked server frame; its time is when its last byte arrived. */
  private static Frame readFrame(InputStream in) throws IOException {
    int b0 = in.read();
    int b1 = in.read();
    if (b0 < 0 || b1 < 0) {
      throw new IOException("the server closed the connection without a close frame");
    }
    long length = b1 & 0x7f;
    if (length == 126) {
      length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | (in.read() & 0xff);
      }
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new IOException("the server closed the connection mid-frame");
    }
    return new Frame(b0 & 0x0f, payload, System.nanoTime());
  }
}
