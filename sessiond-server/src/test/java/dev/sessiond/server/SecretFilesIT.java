package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin password and the API token can stay off the command line, which every local user
 * can read ({@code ps}, {@code /proc/<pid>/cmdline}): from a file, a file named in the
 * environment, or standard input. The real process, its real command line.
 */
class SecretFilesIT {

  static final String PASSWORD = "file-password-7f3a";
  static final String TOKEN = "file-token-0123456789abcdef";

  /** What ps shows of the process: its command line and its arguments. */
  private static String commandLine(ServerProcess p) throws Exception {
    return Files.readString(Path.of("/proc/" + p.process.pid() + "/cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
  }

  private static ServerProcess run(Map<String, String> env, Path dir, String... more) throws Exception {
    String[] args = new String[7 + more.length];
    System.arraycopy(new String[] {"serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dir.toString()}, 0, args, 0, 7);
    System.arraycopy(more, 0, args, 7, more.length);
    return ServerProcess.run(env, args);
  }

  private static void assertSecretsWork(ServerProcess p) throws Exception {
    assertThat(p.api().login("admin", PASSWORD)).isNotBlank();
    assertThat(p.api().get("/api/stats", "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
    assertThat(commandLine(p)).contains("sessiond.jar").doesNotContain(PASSWORD).doesNotContain(TOKEN);
    assertThat(p.outputText()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
  }

  @Test
  void secretsFromFilesNamedByFlagsAreUsedAndNeverShownInTheCommandLine(@TempDir Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("admin-password"), PASSWORD + "\n");
    Path token = Files.writeString(dir.resolve("api-token"), TOKEN + "\n");
    try (ServerProcess p = run(Map.of(), dir.resolve("data"), "--admin-password-file", pw.toString(),
        "--api-token-file", token.toString())) {
      p.awaitListening();
      assertSecretsWork(p);
    }
  }

  @Test
  void secretsFromFilesNamedInTheEnvironmentAndFromStandardInput(@TempDir Path dir) throws Exception {
    Path token = Files.writeString(dir.resolve("api-token"), TOKEN + "\n");
    try (ServerProcess p = run(Map.of("SESSIOND_API_TOKEN_FILE", token.toString()), dir.resolve("data"),
        "--admin-password-file", "-")) {
      try (OutputStream stdin = p.process.getOutputStream()) {
        stdin.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
      }
      p.awaitListening();
      assertSecretsWork(p);
    }
  }

  @Test
  void aValueAndAFileForTheSameSecretAreRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
    Path token = Files.writeString(dir.resolve("api-token"), TOKEN + "\n");
    ServerProcess p = run(Map.of("SESSIOND_API_TOKEN", "from-the-environment"), dir.resolve("data"),
        "--api-token-file", token.toString());
    assertThat(p.awaitExit()).isNotZero();
    assertThat(p.outputText()).contains("sessiond: --api-token and --api-token-file are both given")
        .doesNotContain("listening");
  }

  @Test
  void helpNamesTheFileFlagsAndTheirVariables() throws Exception {
    ServerProcess help = ServerProcess.run(Map.of(), "serve", "--help");
    assertThat(help.awaitExit()).isZero();
    assertThat(help.outputText()).contains("--admin-password-file", "SESSIOND_ADMIN_PASSWORD_FILE", "--api-token-file",
        "SESSIOND_API_TOKEN_FILE", "--webhook-secret-file", "SESSIOND_WEBHOOK_SECRET_FILE");
  }
}
