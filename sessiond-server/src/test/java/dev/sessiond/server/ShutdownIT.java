package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM: every client hears "server shutting down" and a 1001 close, then the process exits. */
class ShutdownIT {

  @Test
  void sigtermTellsEveryClientAndClosesWith1001(@TempDir Path dir) throws Exception {
    try (ServerProcess server = ServerProcess.serve(dir)) {
      Api api = server.api();
      String token = api.createSession("shutdown-watcher").get("token").asText();
      WsClient a = WsClient.connect(server.port(), token);
      WsClient b = WsClient.connect(server.port(), token);
      a.next("system/init");
      b.next("system/init");

      server.process.destroy();

      for (WsClient c : new WsClient[] {a, b}) {
        assertThat(c.next("system/disconnect").at("/payload/message").asText()).isEqualTo("server shutting down");
        assertThat(c.awaitClose().code()).isEqualTo(1001);
      }
      assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.process.exitValue()).isIn(0, 143);
    }
  }
}
