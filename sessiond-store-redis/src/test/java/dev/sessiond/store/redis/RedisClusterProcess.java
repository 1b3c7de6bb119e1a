package dev.sessiond.store.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
      List<String> cmd = new ArrayList<>(List.of(cli(), "--cluster", "create"));
      c.nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port));
      cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process create = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!create.waitFor(30, TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + out);
      }
      c.awaitOk();
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void awaitOk() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (RedisProcess n : nodes) {
      while (true) {
        Process info = new ProcessBuilder(cli(), "-p", Integer.toString(n.port), "cluster", "info").start();
        String out = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        info.waitFor();
        if (out.contains("cluster_state:ok")) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cluster never became ok: " + out);
        }
        Thread.sleep(100);
      }
    }
  }

  public List<String> seeds() {
    return nodes.stream().map(RedisProcess::uri).toList();
  }

  static String cli() {
    return RedisProcess.binary().replace("redis-server", "redis-cli");
  }

  @Override
  public void close() {
    for (RedisProcess n : nodes) {
      n.close();
    }
  }
}
