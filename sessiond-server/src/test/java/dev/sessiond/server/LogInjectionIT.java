package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sends reaches the server's log escaped: a username that carries a line break
 * and a forged log line, or terminal escape sequences, is written on the one line of its own
 * event, with {@code \n}, {@code \u001b} and the like as text. The real server process and its
 * real logback configuration; its output is read line by line as a log reader would (CR, LF and
 * CRLF all end a line), so a raw line break would show as a line of its own.
 */
class LogInjectionIT {

  /** A log line of the server's format, short enough that the username (at most 64) is looked up and logged. */
  static final String FORGED = "2026-01-01T00:00:00Z INFO Main - admin password reset by x";

  @TempDir
  static Path dir;
  static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.serve(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The server's output lines that contain {@code marker}, once one does (up to 30 s). */
  static List<String> linesWith(String marker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<String> found = server.output.stream().filter(l -> l.contains(marker)).toList();
      if (!found.isEmpty()) {
        return found;
      }
      assertThat(System.nanoTime()).as("no log line with " + marker + " in " + server.outputText()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aUsernameWithALineBreakCannotForgeALogLine() throws Exception {
    String username = "x\n" + FORGED;

    Api.Res r = server.api().post("/api/login", "{\"username\":" + Api.quote(username) + ",\"password\":\"nope\"}");

    assertThat(r.status()).isEqualTo(401);
    List<String> lines = linesWith("admin password reset by x");
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).matches("\\S+ INFO  CurrentSessionRoutes - login refused username=x\\\\n"
        + java.util.regex.Pattern.quote(FORGED) + " ip=127\\.0\\.0\\.1: wrong username or password");
    assertThat(server.output).noneMatch(l -> l.startsWith("2026-01-01"));
  }

  @Test
  void escapeSequencesAndOtherControlCharactersAreWrittenAsText() throws Exception {
    // Clear the screen, write in red, carriage return over the line, a C1 next line, Unicode's line separator.
    String username = "\u001b[2J\u001b[31mroot\u001b[0m\rcr\u0085nel\u2028ls\u202eevil\u0000nul\ttab";

    Api.Res r = server.api().post("/login", "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
        + "&password=nope&rd=", "Content-Type", "application/x-www-form-urlencoded");

    assertThat(r.status()).isEqualTo(401);
    List<String> lines = linesWith("login page: refused username=");
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("refused username=\\u001b[2J\\u001b[31mroot\\u001b[0m\\rcr\\u0085nel\\u2028ls\\u202eevil"
        + "\\u0000nul\\ttab ip=127.0.0.1: wrong username or password");
    assertThat(server.output).noneMatch(l -> l.chars().anyMatch(c -> c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x202e));
  }
}
