package dev.sessiond.store.redis;

/**
 * One standalone redis-server and one 3-master Redis Cluster per test JVM, started on first
 * use and stopped when the JVM exits; tests flush them between cases.
 */
final class SharedRedis {

  private static RedisConnection standalone;
  private static RedisConnection cluster;
  private static RedisConnection primary;
  private static RedisProcess replica;

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

  /** A master with one replica; the connection is the master's. */
  static synchronized RedisConnection primary() throws Exception {
    if (primary == null) {
      RedisProcess master = RedisProcess.launch();
      replica = RedisProcess.launch("--replicaof", "127.0.0.1", Integer.toString(master.port));
      primary = RedisConnection.standalone(master.uri());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (primary.run("wait", c -> c.waitForReplication(1, 100)).join() < 1) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the replica never caught up");
        }
      }
      stopAtExit(primary, () -> {
        replica.close();
        master.close();
      });
    }
    return primary;
  }

  /** The replica of {@link #primary()}. */
  static synchronized RedisProcess replica() throws Exception {
    primary();
    return replica;
  }

  /**
   * Empties Redis between tests (a Cluster keeps its {@link Shards#CLUSTER_DEFAULT} shards). The generation starts at a number no earlier test used: a
   * clear's background clean-up of its old generation may still be running, and must not meet
   * the next test's sessions under the same generation.
   */
  /** What a test does while the primary's replica is down. */
  interface WhileDown {
    void run() throws Exception;
  }

  /**
   * Runs {@code whileDown} with the replica stopped, then starts it again and returns once it has
   * acknowledged the primary's writes (the next test's changes wait for it).
   */
  static void withoutReplica(WhileDown whileDown) throws Exception {
    RedisProcess r = replica();
    r.stop();
    try {
      whileDown.run();
    } finally {
      r.start();
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
      while (primary().run("wait", c -> c.waitForReplication(1, 100)).join() < 1) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the restarted replica never acknowledged the primary's writes within 30 s");
        }
        Thread.sleep(50);
      }
    }
  }

  static void flush(RedisConnection connection) {
    connection.run("flush", c -> c.flushall()).join();
    String generation = Long.toString(GENERATIONS.addAndGet(1000));
    if (!connection.isCluster()) {
      connection.run("flush", c -> c.set(RedisSessionStore.GEN, generation)).join();
      return;
    }
    connection.run("flush", c -> c.set(Shards.COUNT_KEY, Integer.toString(Shards.CLUSTER_DEFAULT))).join();
    Shards shards = Shards.of(Shards.CLUSTER_DEFAULT);
    for (int i = 0; i < shards.count(); i++) {
      String key = shards.gen(i);
      connection.run("flush", c -> c.set(key, generation)).join();
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong GENERATIONS = new java.util.concurrent.atomic.AtomicLong();

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
