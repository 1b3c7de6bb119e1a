package dev.sessiond.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** sessiond as its own process, from the jar the build made, so that it can be killed for real. */
final class ServerProcess implements AutoCloseable {

  static final Path JAR = Path.of("target/sessiond.jar");
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  /**
   * Every process started here that may still run: the test JVM stops them as it exits, so that
   * a test that failed before its close (or a JVM ended early) leaves no server behind.
   */
  private static final java.util.Set<Process> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly), "server-process-reaper"));
  }

  final Process process;
  final List<String> output = new CopyOnWriteArrayList<>();
  private volatile int port = -1;

  private ServerProcess(List<String> command, java.util.Map<String, String> env) throws IOException {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the tests with mvn verify");
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    process = pb.start();
    STARTED.add(process);
    process.onExit().thenRun(() -> STARTED.remove(process));
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port = Integer.parseInt(m.group(1));
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "server-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Runs {@code sessiond <args>}; does not wait for anything. */
  static ServerProcess run(java.util.Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new ServerProcess(command, env);
  }

  /** Starts {@code sessiond serve} on a free port of 127.0.0.1 and waits until it listens. */
  static ServerProcess serve(Path dataDir, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0",
        "--data-dir", dataDir.toString(), "--admin-password", TestServer.ADMIN_PASSWORD,
        "--api-token", TestServer.API_TOKEN));
    args.addAll(List.of(extra));
    ServerProcess p = run(java.util.Map.of(), args.toArray(String[]::new));
    p.awaitListening();
    return p;
  }

  void awaitListening() throws InterruptedException {
    // A bound for a start that hangs, not a performance check: a JVM starting beside a dozen
    // others on 2 busy cores has taken over 60 s.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (port < 0) {
      if (!process.isAlive()) {
        throw new IllegalStateException("sessiond exited with " + process.exitValue() + ": " + output);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("sessiond did not start in 180 s: " + output);
      }
      Thread.sleep(20);
    }
  }

  int port() {
    return port;
  }

  Api api() {
    return new Api(port);
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("sessiond did not exit: " + output);
    }
    return process.exitValue();
  }

  String outputText() {
    return String.join("\n", output);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
