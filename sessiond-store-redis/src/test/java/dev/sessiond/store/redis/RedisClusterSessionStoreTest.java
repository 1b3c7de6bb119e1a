package dev.sessiond.store.redis;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import dev.sessiond.core.store.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The session contract on a 3-master Redis Cluster. */
class RedisClusterSessionStoreTest extends SessionStoreContract {

  static RedisClusterProcess cluster;
  static RedisConnection connection;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisClusterProcess.start();
    connection = RedisConnection.cluster(cluster.seeds());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    connection.close();
    cluster.close();
  }

  @AfterEach
  void flush() {
    connection.run("flush", c -> c.flushall()).join();
  }

  @Override
  protected SessionStore newStore(MutableClock clock) {
    return new RedisSessionStore(connection, clock);
  }
}
