package dev.sessiond.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link OwnChangeContract} on the embedded store: one node takes the calls and holds the sockets. */
class OwnChangeEmbeddedIT extends OwnChangeContract {

  static ServerProcess node;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    node = ServerProcess.serve(dir);
    a = node.api();
    b = a;
    portA = node.port();
    portB = portA;
  }

  @AfterAll
  static void stop() {
    node.close();
  }
}
