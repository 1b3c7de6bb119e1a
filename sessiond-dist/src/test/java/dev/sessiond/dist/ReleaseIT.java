package dev.sessiond.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as a user gets it: sessiond-VERSION.tar.gz unpacked into an empty directory, run
 * by its launcher with nothing but Java 17 (no Maven, no source tree, a bare PATH), through a
 * symlink as from /usr/local/bin: it tells its version, serves, and stops on SIGTERM to its PID.
 */
class ReleaseIT {

  private static final String VERSION = System.getProperty("sessiond.version");
  private static final Path RELEASE = Path.of(System.getProperty("sessiond.release"));
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  @Test
  void theUnpackedReleaseTellsItsVersionServesAndStopsByPid(@TempDir Path dir) throws Exception {
    Path unpacked = Files.createDirectory(dir.resolve("opt"));
    Process tar = new ProcessBuilder("tar", "-xzf", RELEASE.toString(), "-C", unpacked.toString())
        .redirectErrorStream(true).start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    try (Stream<Path> top = Files.list(unpacked)) {
      assertThat(top.map(p -> p.getFileName().toString())).containsExactly("sessiond-" + VERSION);
    }
    Path home = unpacked.resolve("sessiond-" + VERSION);
    Path launcher = home.resolve("bin/sessiond");
    assertThat(Files.getPosixFilePermissions(launcher)).contains(PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.OTHERS_EXECUTE);
    for (String file : List.of("lib/sessiond.jar", "sessiond.service", "README.md", "CHANGELOG.md",
        "docs/operations/backup.md", "docs/operations/release.md", "licenses/THIRD-PARTY.txt")) {
      assertThat(home.resolve(file)).as(file).isRegularFile();
    }
    assertThat(Files.readString(home.resolve("licenses/THIRD-PARTY.txt")))
        .contains("io.vertx:vertx-core").contains("org.xerial:sqlite-jdbc").doesNotContain("dev.sessiond")
        .as("every bundled artifact's POM names its license").doesNotContain("Unknown license");
    try (Stream<Path> notices = Files.walk(home.resolve("licenses/bundled"))) {
      assertThat(notices.filter(Files::isRegularFile).map(Path::toString))
          .as("the LICENSE and NOTICE files the bundled jars carry")
          .anyMatch(p -> p.contains("jackson-databind") && p.endsWith("NOTICE"))
          .anyMatch(p -> p.contains("sqlite-jdbc") && p.endsWith("LICENSE"));
    }
    assertThat(Files.readString(home.resolve("sessiond.service")))
        .contains("ExecStart=/opt/sessiond/bin/sessiond serve").contains("NoNewPrivileges=yes");

    // Through a symlink in another directory, from yet another working directory.
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("sessiond"), launcher);
    Path work = Files.createDirectory(dir.resolve("work"));
    Run version = Run.start(work, link.toString(), "--version");
    String said = new String(version.process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(version.process.exitValue()).as(said).isZero();
    assertThat(said.lines().findFirst()).hasValue("sessiond " + VERSION);

    Run server = Run.serve(work, link.toString(), "serve", "--host", "127.0.0.1", "--port", "0",
        "--data-dir", dir.resolve("data").toString(), "--admin-password", "release-test-password");
    try {
      int port = server.awaitPort();
      ProcessHandle.Info info = server.process.info();
      assertThat(info.command()).as("the launcher exec'd Java: its PID is the server's")
          .hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(server.process.pid())).start();
      assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.process.waitFor(60, TimeUnit.SECONDS)).as("stopped by SIGTERM: " + server.text()).isTrue();
      assertThat(server.process.exitValue()).isIn(0, 143);
      assertThat(dir.resolve("data/sessiond.db")).isRegularFile();
    } finally {
      server.process.destroyForcibly();
    }
  }

  /** A process of the launcher, with a bare environment: a PATH of system directories and JAVA_HOME. */
  private static final class Run {
    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();
    private volatile int port = -1;

    private Run(Process process) {
      this.process = process;
    }

    /** Started; its output is for the caller to read. */
    static Run start(Path cwd, String... command) throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.clear();
      env.put("PATH", "/usr/bin:/bin");
      env.put("JAVA_HOME", System.getProperty("java.home"));
      return new Run(pb.start());
    }

    /** Started, its output read into {@link #output} as it comes. */
    static Run serve(Path cwd, String... command) throws IOException {
      Run run = start(cwd, command);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(run.process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            run.output.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
              run.port = Integer.parseInt(m.group(1));
            }
          }
        } catch (IOException e) {
          // the process is gone
        }
      }, "release-output");
      reader.setDaemon(true);
      reader.start();
      return run;
    }

    int awaitPort() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (port < 0) {
        assertThat(process.isAlive()).as("sessiond exited: " + text()).isTrue();
        assertThat(System.nanoTime()).as("sessiond listening within 180 s: " + text()).isLessThan(deadline);
        Thread.sleep(20);
      }
      return port;
    }

    String text() {
      return String.join("\n", output);
    }
  }
}
