package dev.sessiond.store.redis;

import dev.sessiond.core.store.MemberStore;
import dev.sessiond.core.store.MemberStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The member contract on a standalone Redis. */
class RedisMemberStoreTest extends MemberStoreContract {

  static RedisProcess redis;
  static RedisConnection connection;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisProcess.launch();
    connection = RedisConnection.standalone(redis.uri());
  }

  @AfterAll
  static void stopRedis() {
    connection.close();
    redis.close();
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
