package dev.sessiond.store.redis;

/**
 * One standalone redis-server and one 3-master Redis Cluster per test JVM, started on first
 * use and stopped when the JVM exits; tests flush them between cases.
 */
final class SharedRedis {

  private static RedisConnection standalone;
  private static RedisConnection cluster;

  private SharedRedis() {}

  static synchronized RedisConnection standalone() throws Exception {
    if (standalone == null) {
      RedisProcess redis = RedisProcess.launch();
      standalone = RedisConnection.standalone(redis.uri());
      stopAtExit(standalone, redis);
    }
    return standalone;
  }

  static synchronized RedisConnection cluster() throws Exception {
    if (cluster == null) {
      RedisClusterProcess nodes = RedisClusterProcess.start();
      cluster = RedisConnection.cluster(nodes.seeds());
      stopAtExit(cluster, nodes);
    }
    return cluster;
  }

  static void flush(RedisConnection connection) {
    connection.run("flush", c -> c.flushall()).join();
  }

  private static void stopAtExit(RedisConnection connection, AutoCloseable processes) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      connection.close();
      try {
        processes.close();
      } catch (Exception e) {
        // the JVM is exiting
      }
    }));
  }
}
