package dev.sessiond.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code --version} says the version the Maven build gave this module (passed by Surefire as sessiond.version). */
class VersionFlagTest {

  @Test
  void everyCommandTellsTheVersionTheBuildGaveIt() {
    String expected = System.getProperty("sessiond.version");
    assertThat(expected).as("set by the POM's Surefire configuration").isNotBlank();
    for (String[] args : new String[][] {{"--version"}, {"serve", "--version"}, {"backup", "--version"},
        {"restore", "--version"}}) {
      StringWriter out = new StringWriter();
      int exit = Main.commandLine().setOut(new PrintWriter(out, true)).execute(args);
      assertThat(exit).isZero();
      assertThat(out.toString().lines().findFirst()).as(String.join(" ", args)).hasValue("sessiond " + expected);
    }
    assertThat(SessiondVersion.get()).isEqualTo(expected);
  }
}
