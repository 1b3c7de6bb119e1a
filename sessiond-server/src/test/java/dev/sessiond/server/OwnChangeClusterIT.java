package dev.sessiond.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link OwnChangeContract} on two nodes sharing a 3-master Redis Cluster (12 shards). */
class OwnChangeClusterIT extends OwnChangeContract {

  static TwoNodes nodes;

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    nodes = TwoNodes.onCluster(dirA, dirB);
    a = nodes.a.api();
    b = nodes.b.api();
    portA = nodes.a.port();
    portB = nodes.b.port();
  }

  @AfterAll
  static void stop() {
    nodes.close();
  }
}
