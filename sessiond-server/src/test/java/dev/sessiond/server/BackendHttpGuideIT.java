package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/guides/backend-http.md as a reader follows it: its {@code sh} blocks run in order in one
 * bash, in an empty directory, {@code ./sessiond} being the jar the build made (on this run's port,
 * which stands in for the guide's 8080), and each block prints what the guide shows after it.
 */
class BackendHttpGuideIT {

  private static final Path GUIDE = Path.of("../docs/guides/backend-http.md");

  @TempDir
  Path dir;

  @Test
  void everyStepOfTheBackendGuideRunsAsWrittenAndPrintsWhatTheGuideShows() throws Exception {
    GuideSteps guide = GuideSteps.read(GUIDE);
    assertThat(guide.steps()).hasSizeGreaterThan(4);
    assertThat(guide.steps().get(0).commands()).contains("./sessiond serve");
    int port = dev.sessiond.store.redis.Ports.free();

    Path sessiond = dir.resolve("sessiond");
    Files.writeString(sessiond, "#!/bin/sh\nexec \"" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "\" -Xmx256m -jar \"" + ServerProcess.JAR.toAbsolutePath() + "\" \"$@\"\n");
    Files.setPosixFilePermissions(sessiond, PosixFilePermissions.fromString("rwx------"));
    StringBuilder script = new StringBuilder("set -euo pipefail\n")
        // The guide starts sessiond in the background and leaves it running; the run stops it.
        .append("trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    for (int i = 0; i < guide.steps().size(); i++) {
      script.append("echo '@@step ").append(i).append("'\n")
          .append(guide.steps().get(i).commands().replace("localhost:8080", "127.0.0.1:" + port)).append('\n');
    }
    Path out = dir.resolve("guide.out");
    Path err = dir.resolve("guide.err");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString()).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("SESSIOND_HOST", "127.0.0.1");
    pb.environment().put("SESSIOND_PORT", Integer.toString(port));
    pb.environment().put("SESSIOND_DATA_DIR", dir.resolve("data").toString());
    Process bash = pb.start();
    boolean ended;
    try {
      ended = bash.waitFor(3, TimeUnit.MINUTES);
    } finally {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
    }
    String log = Files.exists(dir.resolve("sessiond.log")) ? Files.readString(dir.resolve("sessiond.log")) : "(none)";
    String report = "stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err) + "\nsessiond.log:\n" + log;
    assertThat(ended).as("the guide's steps ended within 3 minutes%n%s", report).isTrue();
    assertThat(bash.exitValue()).as("the guide's steps ran without a failure%n%s", report).isZero();

    List<List<String>> printed = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      if (line.startsWith("@@step ")) {
        printed.add(new ArrayList<>());
      } else {
        printed.get(printed.size() - 1).add(line);
      }
    }
    assertThat(printed).hasSameSizeAs(guide.steps());
    for (int i = 0; i < printed.size(); i++) {
      GuideSteps.Step step = guide.steps().get(i);
      assertThat(step.shows(printed.get(i)))
          .as("step %d printed%n%s%nwhere the guide shows%n%s%n(its commands:%n%s)", i + 1,
              String.join("\n", printed.get(i)), String.join("\n", step.output()), step.commands())
          .isTrue();
    }
  }
}
