package dev.sessiond.server;

import dev.sessiond.store.redis.RedisClusterProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link OwnChangeContract} on two nodes sharing a 3-master Redis Cluster (12 shards). */
class OwnChangeClusterIT extends OwnChangeContract {

  static RedisClusterProcess cluster;
  static ServerProcess nodeA;
  static ServerProcess nodeB;

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    cluster = RedisClusterProcess.start();
    String seeds = String.join(",", cluster.seeds());
    nodeA = ServerProcess.serve(dirA, "--store", "redis", "--redis-cluster-uri", seeds);
    nodeB = ServerProcess.serve(dirB, "--store", "redis", "--redis-cluster-uri", seeds);
    a = nodeA.api();
    b = nodeB.api();
    portA = nodeA.port();
    portB = nodeB.port();
  }

  @AfterAll
  static void stop() {
    nodeA.close();
    nodeB.close();
    cluster.close();
  }
}
