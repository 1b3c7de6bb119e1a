package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The steps of a guide in docs/guides: each fenced {@code ```sh} block in order, with the
 * {@code ```text} block right after it, if any, as the output it shows ({@code …} standing for
 * anything on its line), and how a reader runs them: in order, in one bash, in an empty directory,
 * {@code ./sessiond} being the jar the build made.
 */
record GuideSteps(List<Step> steps) {

  record Step(String commands, List<String> output) {

    /** Whether {@code printed} is what the guide shows, line for line. */
    boolean shows(List<String> printed) {
      if (output.isEmpty()) {
        return true;
      }
      if (printed.size() != output.size()) {
        return false;
      }
      for (int i = 0; i < output.size(); i++) {
        StringBuilder regex = new StringBuilder();
        for (String part : output.get(i).split("…", -1)) {
          regex.append(regex.length() == 0 ? "" : ".*").append(Pattern.quote(part));
        }
        if (!printed.get(i).matches(regex.toString())) {
          return false;
        }
      }
      return true;
    }
  }

  static GuideSteps read(Path guide) throws IOException {
    List<Step> steps = new ArrayList<>();
    List<String> lines = Files.readAllLines(guide);
    for (int i = 0; i < lines.size(); i++) {
      String fence = lines.get(i);
      if (!fence.equals("```sh") && !fence.equals("```text")) {
        continue;
      }
      List<String> body = new ArrayList<>();
      for (i++; !lines.get(i).equals("```"); i++) {
        body.add(lines.get(i));
      }
      if (fence.equals("```sh")) {
        steps.add(new Step(String.join("\n", body), List.of()));
      } else {
        Step last = steps.remove(steps.size() - 1);
        steps.add(new Step(last.commands(), List.copyOf(body)));
      }
    }
    return new GuideSteps(List.copyOf(steps));
  }

  /**
   * Runs every step in order in one bash in {@code dir} (with {@code set -euo pipefail}; what the
   * steps leave running in the background is stopped at the end), each literal of
   * {@code replace} replaced first (the ports a guide names by this run's), and checks that the
   * run succeeds and that each step prints what the guide shows after it.
   */
  void runAndCheck(Path dir, Map<String, String> replace, Map<String, String> env) throws Exception {
    // The guides' servers answer a few requests each: C1 and the serial collector start them with
    // less CPU, which the rest of the suite shares.
    Path sessiond = dir.resolve("sessiond");
    Files.writeString(sessiond, "#!/bin/sh\nexec \"" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "\" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar \"" + ServerProcess.JAR.toAbsolutePath()
        + "\" \"$@\"\n");
    Files.setPosixFilePermissions(sessiond, PosixFilePermissions.fromString("rwx------"));
    StringBuilder script = new StringBuilder("set -euo pipefail\n")
        // Stop what the steps left running and wait for it to end: a server still shutting down
        // after bash exited (no longer bash's descendant, so not killed below) wrote into the
        // directory while JUnit deleted it (RedisGuideIT failed so once: "directory not empty").
        .append("trap 'kill $(jobs -p) 2>/dev/null || true; wait || true' EXIT\n");
    for (int i = 0; i < steps.size(); i++) {
      // One pass, so that a port put in for one literal is never taken for another.
      String commands = Pattern.compile(String.join("|", replace.keySet().stream().map(Pattern::quote).toList()))
          .matcher(steps.get(i).commands()).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(replace.get(m.group())));
      script.append("echo '@@step ").append(i).append("'\n").append(commands).append('\n');
    }
    Path out = dir.resolve("guide.out");
    Path err = dir.resolve("guide.err");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString()).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process bash = pb.start();
    boolean ended;
    try {
      ended = bash.waitFor(3, TimeUnit.MINUTES);
    } finally {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
    }
    StringBuilder report = new StringBuilder("stdout:\n").append(Files.readString(out))
        .append("\nstderr:\n").append(Files.readString(err));
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        report.append('\n').append(log.getFileName()).append(":\n").append(Files.readString(log));
      }
    }
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
    assertThat(printed).hasSameSizeAs(steps);
    for (int i = 0; i < printed.size(); i++) {
      Step step = steps.get(i);
      assertThat(step.shows(printed.get(i)))
          .as("step %d printed%n%s%nwhere the guide shows%n%s%n(its commands:%n%s)", i + 1,
              String.join("\n", printed.get(i)), String.join("\n", step.output()), step.commands())
          .isTrue();
    }
  }
}
