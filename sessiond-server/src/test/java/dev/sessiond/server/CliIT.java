package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, environment variables, the admin bootstrap. */
class CliIT {

  @Test
  void helpExplainsEveryFlag() throws Exception {
    ServerProcess help = ServerProcess.run(Map.of(), "serve", "--help");
    assertThat(help.awaitExit()).isZero();
    for (String flag : List.of("--host", "--port", "--store", "--data-dir", "--admin-user", "--admin-password",
        "--api-token", "--session-idle-timeout", "--session-max-lifetime", "--max-sessions-per-user",
        "--on-session-limit", "--secure-cookies", "--metrics-public", "--ws-heartbeat", "--ws-reconnect-grace",
        "--cors-origins", "--webhook-url", "--webhook-secret")) {
      assertThat(help.outputText()).contains(flag);
    }
    assertThat(help.outputText()).contains("SESSIOND_PORT");
    ServerProcess top = ServerProcess.run(Map.of(), "--help");
    assertThat(top.awaitExit()).isZero();
    assertThat(top.outputText()).contains("serve");
  }

  @Test
  void withoutAnAdminPasswordOneIsGeneratedAndPrintedOnceOnly(@TempDir Path dir) throws Exception {
    String password;
    try (ServerProcess first = ServerProcess.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", "0",
        "--data-dir", dir.toString())) {
      first.awaitListening();
      String line = first.output.stream().filter(l -> l.contains("created admin member")).findFirst().orElseThrow();
      password = line.replaceAll(".*with password (\\S+).*", "$1");
      assertThat(password).hasSizeGreaterThanOrEqualTo(20);
      assertThat(first.api().login("admin", password)).isNotBlank();
    }
    try (ServerProcess second = ServerProcess.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", "0",
        "--data-dir", dir.toString())) {
      second.awaitListening();
      assertThat(second.outputText()).doesNotContain("created admin member");
      assertThat(second.api().login("admin", password)).isNotBlank();
    }
  }

  @Test
  void everyFlagCanComeFromTheEnvironmentAndTheAdminPasswordCanBeReset(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("SESSIOND_HOST", "127.0.0.1", "SESSIOND_PORT", "0",
        "SESSIOND_DATA_DIR", dir.toString(), "SESSIOND_ADMIN_USER", "root",
        "SESSIOND_ADMIN_PASSWORD", "first-password", "SESSIOND_API_TOKEN", "env-token-0123456789");
    try (ServerProcess p = ServerProcess.run(env, "serve")) {
      p.awaitListening();
      assertThat(p.api().login("root", "first-password")).isNotBlank();
      assertThat(p.api().get("/api/stats", "Authorization", "Bearer env-token-0123456789").status()).isEqualTo(200);
      assertThat(p.outputText()).doesNotContain("first-password").doesNotContain("env-token-0123456789");
    }
    try (ServerProcess p = ServerProcess.run(env, "serve", "--admin-password", "second-password")) {
      p.awaitListening();
      assertThat(p.api().login("root", "second-password")).isNotBlank();
      assertThat(p.api().post("/api/login", "{\"username\":\"root\",\"password\":\"first-password\"}").status())
          .isEqualTo(401);
    }
  }

  @Test
  void aBadFlagValueIsRefusedWithAMessage() throws Exception {
    ServerProcess p = ServerProcess.run(Map.of(), "serve", "--session-idle-timeout", "soon");
    assertThat(p.awaitExit()).isNotZero();
    assertThat(p.outputText()).contains("not a duration");
  }

  @Test
  void aCorsOriginThatIsNotAnOriginIsRefusedWithAMessage() throws Exception {
    ServerProcess p = ServerProcess.run(Map.of(), "serve", "--store", "memory", "--host", "127.0.0.1", "--port", "0",
        "--cors-origins", "https://app.example.com,https://other.example.com/");
    assertThat(p.awaitExit()).isNotZero();
    assertThat(p.outputText()).contains("--cors-origins").contains("https://other.example.com/");
  }
}
