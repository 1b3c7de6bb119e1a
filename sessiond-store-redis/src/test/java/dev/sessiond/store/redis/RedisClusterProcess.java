package dev.sessiond.store.redis;

import java.io.IOException;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A 3-master Redis Cluster of real redis-server processes on free ports, built by the test. */
public final class RedisClusterProcess implements AutoCloseable {

  public final List<RedisProcess> nodes = new ArrayList<>();

  public static RedisClusterProcess start() throws IOException, InterruptedException {
    RedisClusterProcess c = new RedisClusterProcess();
    try {
      for (int i = 0; i < 3; i++) {
        int port = RedisProcess.freePort();
        c.nodes.add(RedisProcess.launch("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
            "--cluster-node-timeout", "5000"));
      }
      c.assignSlots();
      c.awaitOk();
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** What redis-cli --cluster create does, with plain commands: split the 16384 slots, then MEET. */
  private void assignSlots() {
    int per = 16384 / nodes.size();
    for (int i = 0; i < nodes.size(); i++) {
      int from = i * per;
      int to = i == nodes.size() - 1 ? 16383 : from + per - 1;
      int[] slots = new int[to - from + 1];
      for (int s = 0; s < slots.length; s++) {
        slots[s] = from + s;
      }
      try (var client = RedisClient.create(nodes.get(i).uri()); var conn = client.connect()) {
        conn.sync().clusterAddSlots(slots);
        for (RedisProcess other : nodes) {
          conn.sync().clusterMeet("127.0.0.1", other.port);
        }
      }
    }
  }

  private void awaitOk() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (RedisProcess n : nodes) {
      try (var client = RedisClient.create(n.uri()); var conn = client.connect()) {
        while (true) {
          String info = conn.sync().clusterInfo();
          if (info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + nodes.size())) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("cluster never became ok: " + info);
          }
          Thread.sleep(100);
        }
      }
    }
  }

  public List<String> seeds() {
    return nodes.stream().map(RedisProcess::uri).toList();
  }

  @Override
  public void close() {
    for (RedisProcess n : nodes) {
      n.close();
    }
  }
}
