package dev.sessiond.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link RightsChangeContract} on one embedded server. */
class RightsChangeEmbeddedIT extends RightsChangeContract {

  static ServerProcess node;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    node = ServerProcess.serve(dir);
    a = node.api();
    b = a;
    portB = node.port();
  }

  @AfterAll
  static void stop() {
    node.close();
  }
}
