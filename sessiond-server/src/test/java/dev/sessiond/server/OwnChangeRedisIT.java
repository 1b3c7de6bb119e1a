package dev.sessiond.server;

import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link OwnChangeContract} on two nodes sharing one Redis. */
class OwnChangeRedisIT extends OwnChangeContract {

  static RedisProcess redis;
  static ServerProcess nodeA;
  static ServerProcess nodeB;

  @BeforeAll
  static void start(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    redis = RedisProcess.launch();
    nodeA = ServerProcess.serve(dirA, "--store", "redis", "--redis-uri", redis.uri());
    nodeB = ServerProcess.serve(dirB, "--store", "redis", "--redis-uri", redis.uri());
    a = nodeA.api();
    b = nodeB.api();
    portA = nodeA.port();
    portB = nodeB.port();
  }

  @AfterAll
  static void stop() {
    nodeA.close();
    nodeB.close();
    redis.close();
  }
}
