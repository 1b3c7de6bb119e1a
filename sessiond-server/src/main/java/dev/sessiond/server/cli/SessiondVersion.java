package dev.sessiond.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version the Maven build gave this jar ({@code version.properties}, a filtered resource), for
 * {@code --version} on every command.
 */
public final class SessiondVersion implements IVersionProvider {

  private static final String VERSION = read();

  /** The project's version, e.g. {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"sessiond " + VERSION,
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"};
  }

  private static String read() {
    try (InputStream in = SessiondVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the jar: build it with Maven");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
