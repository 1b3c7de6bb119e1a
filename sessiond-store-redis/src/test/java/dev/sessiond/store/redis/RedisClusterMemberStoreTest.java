package dev.sessiond.store.redis;

import dev.sessiond.core.store.MemberStore;
import dev.sessiond.core.store.MemberStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The member contract on a 3-master Redis Cluster. */
class RedisClusterMemberStoreTest extends MemberStoreContract {

  static RedisClusterProcess cluster;
  static RedisConnection connection;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisClusterProcess.start();
    connection = RedisConnection.cluster(cluster.seeds());
  }

  @AfterAll
  static void stopCluster() {
    connection.close();
    cluster.close();
  }

  @AfterEach
  void flush() {
    connection.run("flush", c -> c.flushall()).join();
  }

  @Override
  protected MemberStore newStore() {
    return new RedisMemberStore(connection);
  }
}
