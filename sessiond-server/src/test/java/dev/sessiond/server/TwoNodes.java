package dev.sessiond.server;

import dev.sessiond.store.redis.RedisClusterProcess;
import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two sessiond processes sharing one store that the test starts: a standalone Redis, or a
 * 3-master Redis Cluster. Closing stops both nodes, then the store.
 */
final class TwoNodes implements AutoCloseable {

  final ServerProcess a;
  final ServerProcess b;
  private final Runnable stopStore;

  private TwoNodes(ServerProcess a, ServerProcess b, Runnable stopStore) {
    this.a = a;
    this.b = b;
    this.stopStore = stopStore;
  }

  /** On one standalone Redis; {@code flags} go to both nodes. */
  static TwoNodes onRedis(Path dirA, Path dirB, String... flags) throws Exception {
    RedisProcess redis = RedisProcess.launch();
    return start(dirA, dirB, redis::close, List.of("--store", "redis", "--redis-uri", redis.uri()), flags);
  }

  /** On a 3-master Redis Cluster (12 shards); {@code flags} go to both nodes. */
  static TwoNodes onCluster(Path dirA, Path dirB, String... flags) throws Exception {
    RedisClusterProcess cluster = RedisClusterProcess.start();
    return start(dirA, dirB, cluster::close,
        List.of("--store", "redis", "--redis-cluster-uri", String.join(",", cluster.seeds())), flags);
  }

  private static TwoNodes start(Path dirA, Path dirB, Runnable stopStore, List<String> storeFlags, String... flags)
      throws Exception {
    List<String> args = new ArrayList<>(storeFlags);
    args.addAll(List.of(flags));
    ServerProcess a = ServerProcess.serve(dirA, args.toArray(String[]::new));
    ServerProcess b = ServerProcess.serve(dirB, args.toArray(String[]::new));
    return new TwoNodes(a, b, stopStore);
  }

  @Override
  public void close() {
    a.close();
    b.close();
    stopStore.run();
  }
}
