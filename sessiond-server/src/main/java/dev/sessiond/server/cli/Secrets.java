package dev.sessiond.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a secret flag's value comes from: the flag or its environment variable as before, or
 * {@code --<name>-file}, a file whose one line is the secret (a trailing line break is not part
 * of it), or {@code -} for one line of standard input. A file keeps the secret out of {@code ps}
 * and {@code /proc/<pid>/cmdline}, which every local user can read. Both a value and a file for
 * the same secret are refused, as is a file that is empty or holds more than one line.
 */
final class Secrets {

  private final InputStream stdin;
  private String stdinTakenBy;

  Secrets(InputStream stdin) {
    this.stdin = stdin;
  }

  /**
   * The secret of {@code flag} ({@code --api-token}), from {@code value} or {@code file}
   * (either may be null or blank: not given); null when neither is given.
   */
  String resolve(String flag, String value, String file) {
    boolean hasValue = value != null && !value.isBlank();
    boolean hasFile = file != null && !file.isBlank();
    if (hasValue && hasFile) {
      throw new IllegalArgumentException(flag + " and " + flag + "-file are both given (as flags or as "
          + envOf(flag) + " and " + envOf(flag) + "_FILE): give the secret one way only");
    }
    if (!hasFile) {
      return hasValue ? value : null;
    }
    String text = file.equals("-") ? fromStdin(flag) : fromFile(flag, Path.of(file));
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
    }
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(flag + "-file " + file + " holds more than one line; the secret is its only line");
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException(flag + "-file " + file + " is empty or blank");
    }
    return text;
  }

  private static String fromFile(String flag, Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(flag + "-file " + path + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + "-file " + path + " cannot be read: " + e.getMessage());
    }
  }

  /** One line; the stream is left open and unread beyond it for nobody else (one secret per standard input). */
  private String fromStdin(String flag) {
    if (stdinTakenBy != null) {
      throw new IllegalArgumentException(flag + "-file - and " + stdinTakenBy + "-file - both read standard input: "
          + "give one of them a file");
    }
    stdinTakenBy = flag;
    try {
      String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw new IllegalArgumentException(flag + "-file -: standard input is empty");
      }
      return line;
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + "-file -: cannot read standard input: " + e.getMessage());
    }
  }

  private static String envOf(String flag) {
    return "SESSIOND_" + flag.substring(2).replace('-', '_').toUpperCase(java.util.Locale.ROOT);
  }
}
