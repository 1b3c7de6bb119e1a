package dev.sessiond.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Writes docs/reference/configuration.md from what {@code sessiond serve} declares (picocli's
 * CommandSpec): every option in declaration order, its environment variable and default (both read
 * from the option's {@code ${SESSIOND_X:-default}}), and its description as {@code --help} prints
 * it. {@link ConfigurationReferenceTest} keeps the file in step with the code.
 */
public final class ConfigurationReference {

  static final Path FILE = Path.of("../docs/reference/configuration.md");

  /** The command that writes the file again, printed when it is out of step. */
  static final String REGENERATE = "mvn -B -o -pl sessiond-server -am test -Dtest=ConfigurationReferenceTest "
      + "-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dconfiguration.write=true";

  private static final Pattern DEFAULT = Pattern.compile("\\$\\{(SESSIOND_[A-Z0-9_]+)(?::-(.*))?}");
  private static final Pattern ENV_IN_DESCRIPTION = Pattern.compile("\\s*\\[SESSIOND_[A-Z0-9_]+]");
  private static final Pattern DEFAULT_IN_DESCRIPTION = Pattern.compile("\\s*\\(default: \\$\\{DEFAULT-VALUE}\\)");

  private ConfigurationReference() {}

  public static void main(String[] args) throws IOException {
    Files.writeString(args.length > 0 ? Path.of(args[0]) : FILE, markdown());
  }

  static String markdown() {
    CommandSpec serve = new CommandLine(new ServeCommand()).getCommandSpec();
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append("<!-- Generated from the options of `sessiond serve` (ServeCommand, through picocli's CommandSpec) by\n")
        .append("     ConfigurationReference in sessiond-server's test sources: do not edit by hand. ConfigurationReferenceTest\n")
        .append("     fails when this file and the code differ; it is written again by\n")
        .append("     ").append(REGENERATE).append(" -->\n\n")
        .append("Every option of `sessiond serve` can also be set with the environment variable beside it; a flag on the\n")
        .append("command line wins. `./sessiond serve --help` prints the same descriptions. Durations read as `500ms`,\n")
        .append("`90s`, `15m`, `1h`, `7d` or ISO-8601 (`PT1H`). Options that take a list take it comma-separated, or\n")
        .append("repeated. A secret is better given as a file (the `-file` options) than as a value, which `ps` shows:\n")
        .append("see [Running sessiond](../operations/running.md), which also covers the JVM's options and the logs.\n\n")
        .append("| option | environment | default | description |\n")
        .append("|---|---|---|---|\n");
    for (OptionSpec option : serve.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      String env = "";
      String fallback = "";
      // The annotation as written: picocli's spec holds the default and description already interpolated.
      Option declared = ((java.lang.reflect.Field) option.userObject()).getAnnotation(Option.class);
      String original = declared.defaultValue();
      if (!original.equals(Option.NULL_VALUE)) {
        Matcher m = DEFAULT.matcher(original);
        if (!m.matches()) {
          throw new IllegalStateException(option.longestName() + ": default " + original + " names no SESSIOND_ variable");
        }
        env = m.group(1);
        fallback = m.group(2) == null ? "" : m.group(2);
      }
      String description = String.join(" ", declared.description());
      description = ENV_IN_DESCRIPTION.matcher(description).replaceAll("");
      description = DEFAULT_IN_DESCRIPTION.matcher(description).replaceAll("");
      // Plain text in a Markdown table: no cell break, HTML tag or emphasis out of what --help prints.
      description = description.replace("%n", " ").replace("%%", "%").replace("|", "\\|")
          .replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*");
      md.append("| `").append(option.longestName()).append("` | ")
          .append(env.isEmpty() ? "" : "`" + env + "`").append(" | ")
          .append(fallback.isEmpty() ? "(none)" : "`" + fallback + "`").append(" | ")
          .append(description).append(" |\n");
    }
    md.append("\nBesides the options, `./sessiond` reads `SESSIOND_JAVA_OPTS` (the JVM's options) and sessiond reads\n")
        .append("`SESSIOND_LOG_LEVEL` (`INFO` by default; logs go to standard error, one line per event).\n");
    return md.toString();
  }
}
