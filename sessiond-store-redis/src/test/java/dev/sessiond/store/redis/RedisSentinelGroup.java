package dev.sessiond.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Sentinel-managed Redis on free ports of 127.0.0.1: a master, two replicas and three
 * Sentinels (quorum 2), with short timeouts (down after 1 s) so that a failover takes a few
 * seconds. Real processes: {@code redis-server} and {@code redis-server --sentinel}.
 */
public final class RedisSentinelGroup implements AutoCloseable {

  public static final String MASTER_NAME = "sd";

  private final List<RedisProcess> servers = new ArrayList<>();
  private final List<Process> sentinels = new ArrayList<>();
  private final List<Integer> sentinelPorts = new ArrayList<>();

  private RedisSentinelGroup() {}

  public static RedisSentinelGroup start() throws Exception {
    RedisSentinelGroup g = new RedisSentinelGroup();
    try {
      RedisProcess master = RedisProcess.launch();
      g.servers.add(master);
      for (int i = 0; i < 2; i++) {
        g.servers.add(RedisProcess.launch("--replicaof", "127.0.0.1", Integer.toString(master.port)));
      }
      for (int i = 0; i < 3; i++) {
        g.startSentinel(master.port);
      }
      g.awaitSentinelsKnow(2, 2);
      return g;
    } catch (Exception e) {
      g.close();
      throw e;
    }
  }

  private void startSentinel(int masterPort) throws IOException, InterruptedException {
    int port = RedisProcess.freePort();
    Path dir = Files.createTempDirectory("sentinel-");
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "protected-mode no",
        "dir " + dir,
        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
        "sentinel failover-timeout " + MASTER_NAME + " 10000",
        "sentinel parallel-syncs " + MASTER_NAME + " 2",
        ""));
    Process p = new ProcessBuilder(RedisProcess.binary(), conf.toString(), "--sentinel").redirectErrorStream(true)
        .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
    sentinels.add(p);
    sentinelPorts.add(port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        if (s.isConnected()) {
          return;
        }
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          throw new IllegalStateException("redis sentinel did not start: " + Files.readString(dir.resolve("sentinel.log")));
        }
        Thread.sleep(20);
      }
    }
  }

  /** Waits until every Sentinel sees this many replicas and other Sentinels: only then is a failover possible. */
  private void awaitSentinelsKnow(int replicas, int otherSentinels) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int port : sentinelPorts) {
      try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
          var c = client.connectSentinel()) {
        while (true) {
          Map<String, String> m = c.sync().master(MASTER_NAME);
          if (Integer.parseInt(m.get("num-slaves")) >= replicas
              && Integer.parseInt(m.get("num-other-sentinels")) >= otherSentinels) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Sentinel on port " + port + " never saw the whole group: " + m);
          }
          Thread.sleep(100);
        }
      }
    }
  }

  /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3#sd}. */
  public String uri() {
    StringBuilder b = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinelPorts.size(); i++) {
      b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinelPorts.get(i));
    }
    return b.append("#").append(MASTER_NAME).toString();
  }

  /** The port of the master according to the first Sentinel that answers. */
  public int masterPort() {
    for (int port : sentinelPorts) {
      try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
          var c = client.connectSentinel()) {
        return c.sync().getMasterAddrByName(MASTER_NAME) instanceof java.net.InetSocketAddress a ? a.getPort() : -1;
      } catch (RuntimeException e) {
        // try the next one
      }
    }
    throw new IllegalStateException("no Sentinel answers");
  }

  /** SIGKILL of the current master; returns its port. */
  public int killMaster() throws InterruptedException {
    int port = masterPort();
    for (RedisProcess s : servers) {
      if (s.port == port) {
        s.kill();
        return port;
      }
    }
    throw new IllegalStateException("the master on port " + port + " is not one of ours");
  }

  /** Waits until Sentinel names a master other than {@code oldPort}; returns its port. */
  public int awaitNewMaster(int oldPort, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      int port = masterPort();
      if (port != oldPort && port > 0) {
        return port;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no replica was promoted within " + timeoutSeconds + " s");
  }

  /**
   * Waits until the current master has {@code replicas} replicas online (after a failover Sentinel
   * re-points the other replica at the new master, which then resyncs it: until then a write that
   * waits for a replica cannot be acknowledged).
   */
  public void awaitReplicasOnline(int replicas, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + masterPort()));
          var c = client.connect()) {
        long online = c.sync().info("replication").lines().filter(l -> l.startsWith("slave") && l.contains("state=online")).count();
        if (online >= replicas) {
          return;
        }
      } catch (RuntimeException e) {
        // the master is changing: ask again
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the master had fewer than " + replicas + " replicas online after " + timeoutSeconds + " s");
  }

  @Override
  public void close() {
    for (Process p : sentinels) {
      p.destroyForcibly();
    }
    for (RedisProcess s : servers) {
      try {
        s.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
