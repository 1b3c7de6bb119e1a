package dev.sessiond.store.redis;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server that a test starts on a free port of 127.0.0.1, and can stop and start
 * again on the same port and directory (with AOF when asked, so data survives a restart).
 */
public final class RedisProcess implements AutoCloseable {

  public final int port;
  private final Path dir;
  private final List<String> extra;
  private Process process;

  private RedisProcess(int port, Path dir, List<String> extra) {
    this.port = port;
    this.dir = dir;
    this.extra = extra;
  }

  public static RedisProcess launch(String... extraArgs) throws IOException, InterruptedException {
    RedisProcess p = new RedisProcess(freePort(), Files.createTempDirectory("redis-"), List.of(extraArgs));
    p.start();
    return p;
  }

  /** A standalone Redis with AOF on (appendfsync always): a restart keeps every write. */
  public static RedisProcess startPersistent() throws IOException, InterruptedException {
    return launch("--appendonly", "yes", "--appendfsync", "always");
  }

  public static int freePort() {
    return Ports.free();
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public synchronized void start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--protected-mode", "no"));
    if (!extra.contains("--appendonly")) {
      cmd.addAll(List.of("--appendonly", "no"));
    }
    cmd.addAll(extra);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        if (s.isConnected()) {
          return;
        }
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
        }
        Thread.sleep(20);
      }
    }
  }

  /** SIGTERM: Redis writes its AOF and exits, as in a planned restart. */
  public synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** SIGKILL: no AOF rewrite, no goodbye to replicas, as in a crash or power loss. */
  public synchronized void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  public Path dir() {
    return dir;
  }

  private static String binary;

  /** redis-server from PATH, else the one shipped in the com.github.codemonstur:embedded-redis jar. */
  static synchronized String binary() {
    if (binary == null) {
      for (String dirName : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path p = Path.of(dirName, "redis-server");
        if (Files.isExecutable(p)) {
          binary = p.toString();
          return binary;
        }
      }
      try {
        binary = redis.embedded.RedisServer.newRedisServer().port(0).buildCommandArgs().get(0);
      } catch (IOException e) {
        throw new IllegalStateException("no redis-server on PATH and none could be extracted from embedded-redis", e);
      }
    }
    return binary;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
