package dev.sessiond.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every sessiond command line that README.md and docs/ show (in shell blocks and in inline code)
 * is one sessiond accepts: its options exist and their values convert, and a {@code serve} line
 * makes a valid configuration. A flag renamed or removed cannot leave a guide telling a newcomer
 * to type it. Shell variables stand for any value ({@code --port $port} for a port); a
 * {@code -file} option reads a file this test writes; a {@code --config} line is only parsed
 * (its file is the OIDC guide's, which OidcRedisBrowserIT starts its nodes from).
 */
class DocumentedCommandsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern FENCE = Pattern.compile("^```\\s*(\\w*)\\s*$");
  private static final Pattern INLINE = Pattern.compile("`((?:\\./|\\./bin/|bin/)?sessiond (?:serve|backup|restore|--)[^`]*)`");
  private static final Pattern PROGRAM = Pattern.compile("^(?:\\./|\\./bin/|bin/|/usr/local/bin/)?sessiond$");

  @TempDir
  Path tmp;

  /** {@code inline}: named in a sentence, where {@code sessiond backup} may name the command without its options. */
  record Shown(String where, List<String> args, boolean inline) {
  }

  @Test
  void everyCommandTheDocsShowIsOneSessiondAccepts() throws IOException {
    List<Shown> shown = new ArrayList<>();
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    for (Path page : pages) {
      shown.addAll(commands(page));
    }
    // The docs show about twenty: a parser that found none would pass anything.
    assertThat(shown).as("commands found in the docs").hasSizeGreaterThan(15);
    Path secret = Files.writeString(tmp.resolve("secret"), "a-secret-of-thirty-two-characters-x\n");
    List<String> refused = new ArrayList<>();
    for (Shown s : shown) {
      try {
        accept(s.args(), secret);
      } catch (CommandLine.MissingParameterException e) {
        if (!s.inline()) {
          refused.add(s.where() + ": sessiond " + String.join(" ", s.args()) + "\n    " + e.getMessage());
        }
      } catch (RuntimeException e) {
        refused.add(s.where() + ": sessiond " + String.join(" ", s.args()) + "\n    " + e.getMessage());
      }
    }
    assertThat(refused).as("documented commands sessiond refuses").isEmpty();
  }

  private static void accept(List<String> args, Path secret) {
    List<String> resolved = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String previous = i == 0 ? "" : args.get(i - 1);
      if (previous.endsWith("-file") && !a.equals("-")) {
        resolved.add(secret.toString());
      } else if (a.equals("...") || a.equals("…")) {
        continue;   // "and the rest of the flags"
      } else if (a.contains("$")) {
        resolved.add(switch (previous) {
          case "--port" -> "8080";
          case "--webhook-secret" -> "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
          default -> "any-value-of-thirty-two-characters";
        });
      } else {
        resolved.add(a);
      }
    }
    CommandLine cli = Main.commandLine();
    CommandLine.ParseResult parsed = cli.parseArgs(resolved.toArray(String[]::new));
    if (parsed.hasSubcommand() && parsed.subcommand().commandSpec().userObject() instanceof ServeCommand serve
        && !resolved.contains("--config") && !parsed.subcommand().isUsageHelpRequested()) {
      serve.toConfig(new ByteArrayInputStream("a-secret-from-standard-input-xxxx\n".getBytes()));
    }
  }

  /** The sessiond command lines of a page: in sh/bash/shell/console blocks (continuations joined), and inline. */
  static List<Shown> commands(Path page) throws IOException {
    List<Shown> found = new ArrayList<>();
    String name = ROOT.relativize(page).toString();
    List<String> lines = Files.readAllLines(page);
    boolean inShell = false;
    boolean inBlock = false;
    StringBuilder pending = null;
    int pendingLine = 0;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      Matcher fence = FENCE.matcher(line.strip());
      if (fence.matches()) {
        inBlock = !inBlock;
        inShell = inBlock && List.of("sh", "bash", "shell", "console").contains(fence.group(1));
        continue;
      }
      if (inShell) {
        String text = line.strip().replaceFirst("^\\$ ", "");
        if (pending != null) {
          pending.append(' ').append(text);
        } else {
          pending = new StringBuilder(text);
          pendingLine = n + 1;
        }
        if (text.endsWith("\\")) {
          pending.setLength(pending.length() - 1);
          continue;
        }
        List<String> args = sessiondArgs(shellWords(pending.toString()));
        if (args != null) {
          found.add(new Shown(name + ":" + pendingLine, args, false));
        }
        pending = null;
      } else if (!inBlock) {
        Matcher inline = INLINE.matcher(line);
        while (inline.find()) {
          List<String> args = sessiondArgs(shellWords(inline.group(1)));
          if (args != null && !inline.group(1).contains("FILE") && !inline.group(1).contains("DIR")) {
            found.add(new Shown(name + ":" + (n + 1), args, true));
          }
        }
      }
    }
    return found;
  }

  /** The arguments after the sessiond program, skipping leading VAR=value assignments; null when the line runs something else. */
  private static List<String> sessiondArgs(List<String> words) {
    int i = 0;
    while (i < words.size() && words.get(i).matches("[A-Z_][A-Z0-9_]*=.*")) {
      i++;
    }
    if (i >= words.size() || !PROGRAM.matcher(words.get(i)).matches()) {
      return null;
    }
    return List.copyOf(words.subList(i + 1, words.size()));
  }

  /** Words of a shell line as sh would split them, up to a comment, a redirection, a pipe or a list operator. */
  static List<String> shellWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
        continue;
      }
      if (c == '$' && line.startsWith("$(", i)) {
        int depth = 0;
        int end = i + 1;
        for (; end < line.length(); end++) {
          depth += line.charAt(end) == '(' ? 1 : line.charAt(end) == ')' ? -1 : 0;
          if (depth == 0) {
            break;
          }
        }
        word = word == null ? new StringBuilder() : word;
        word.append(line, i, Math.min(end + 1, line.length()));
        i = end;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
        continue;
      }
      if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      if (word == null && (c == '#' || c == '>' || c == '|' || c == '&' || c == ';' || c == '<' || (c == '2' && line.startsWith("2>", i)))) {
        break;
      }
      word = word == null ? new StringBuilder() : word;
      word.append(c);
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
