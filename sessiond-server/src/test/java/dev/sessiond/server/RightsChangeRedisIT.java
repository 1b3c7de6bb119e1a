package dev.sessiond.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link RightsChangeContract} on two nodes sharing one Redis: the change on A, the socket on B. */
class RightsChangeRedisIT extends RightsChangeContract {

  static TwoNodes nodes;

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    nodes = TwoNodes.onRedis(dirA, dirB);
    a = nodes.a.api();
    b = nodes.b.api();
    portB = nodes.b.port();
  }

  @AfterAll
  static void stop() {
    nodes.close();
  }
}
