package dev.sessiond.server.config;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The values of sessiond.yaml as picocli's defaults: a flag on the command line replaces them,
 * and so does its environment variable ({@code SESSIOND_<NAME>}, or the system property of that
 * name, which picocli reads first): for a flag whose variable is set this answers nothing, and
 * the option's own default ({@code ${SESSIOND_X:-...}}) reads the variable.
 */
public final class FileDefaults implements IDefaultValueProvider {

  private final ConfigFile file;
  private final Set<String> served = ConcurrentHashMap.newKeySet();

  public FileDefaults(ConfigFile file) {
    this.file = file;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    String key = option.longestName().replaceFirst("^--", "");
    String value = file.options().get(key);
    if (value == null || environmentSets(key)) {
      return null;
    }
    served.add(option.longestName());
    return value;
  }

  /** Whether the value of {@code flag} ({@code --port}) came from the file, to name it in an error. */
  public boolean served(String flag) {
    return served.contains(flag);
  }

  public ConfigFile file() {
    return file;
  }

  static String variable(String key) {
    return "SESSIOND_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static boolean environmentSets(String key) {
    String name = variable(key);
    return System.getProperty(name) != null || System.getenv(name) != null;
  }
}
