package dev.sessiond.store.redis;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import dev.sessiond.core.store.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The session contract on a standalone Redis. */
class RedisSessionStoreTest extends SessionStoreContract {

  static RedisProcess redis;
  static RedisConnection connection;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisProcess.launch();
    connection = RedisConnection.standalone(redis.uri());
  }

  @AfterAll
  static void stopRedis() throws Exception {
    connection.close();
    redis.close();
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
