package dev.sessiond.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.server.Config;
import dev.sessiond.server.oidc.ProviderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** sessiond.yaml: what it sets, what wins over it, and each mistake named by its key. */
class ConfigFileTest {

  @TempDir
  Path dir;

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("sessiond.yaml");
    Files.writeString(file, text);
    return file;
  }

  private static Config parse(String... args) {
    ServeCommand serve = new ServeCommand();
    CommandLine cli = new CommandLine(serve);
    ServeCommand.useConfigFile(cli, args);
    cli.parseArgs(args);
    return serve.toConfig();
  }

  private static final String PROVIDER = """
      oidc-providers:
        - name: corp
          display-name: Corp SSO
          issuer: https://id.example.com/realms/corp
          client-id: sessiond
          client-secret: s3cret
          admin-claim: groups
          admin-values: [sessiond-admins]
          end-session: true
      """;

  @Test
  void theFileSetsFlagsByTheirNamesWithoutDashesAndListsTheProviders() throws Exception {
    Path file = yaml("""
        public-url: https://auth.example.com
        store: memory
        port: 9123
        redirect-domains: [app.example.com, .corp.example]
        secure-cookies: true
        """ + PROVIDER);
    Config c = parse("--config", file.toString());
    assertThat(c.port()).isEqualTo(9123);
    assertThat(c.store()).isEqualTo(Config.StoreKind.MEMORY);
    assertThat(c.secureCookies()).isTrue();
    assertThat(c.forwardAuth().publicUrl()).isEqualTo("https://auth.example.com");
    assertThat(c.forwardAuth().redirectDomains()).containsExactly("app.example.com", ".corp.example");
    ProviderSettings corp = c.oidcProviders().get(0);
    assertThat(corp.name()).isEqualTo("corp");
    assertThat(corp.displayName()).isEqualTo("Corp SSO");
    assertThat(corp.clientSecret()).isEqualTo("s3cret");
    assertThat(corp.scopes()).containsExactly("openid", "profile", "email");
    assertThat(corp.adminValues()).containsExactly("sessiond-admins");
    assertThat(corp.endSession()).isTrue();
    assertThat(corp.toString()).doesNotContain("s3cret");
  }

  @Test
  void aFlagWinsOverTheFile() throws Exception {
    Path file = yaml("port: 9123\nstore: memory\n");
    assertThat(parse("--config=" + file, "--port", "9200").port()).isEqualTo(9200);
  }

  @Test
  void anEnvironmentVariableWinsOverTheFile() throws Exception {
    Path file = yaml("port: 9123\nstore: memory\n");
    System.setProperty("SESSIOND_PORT", "9300");
    try {
      assertThat(parse("--config", file.toString()).port()).isEqualTo(9300);
    } finally {
      System.clearProperty("SESSIOND_PORT");
    }
  }

  @Test
  void sessiondConfigNamesTheFileToo() throws Exception {
    Path file = yaml("port: 9124\nstore: memory\n");
    System.setProperty("SESSIOND_CONFIG", file.toString());
    try {
      assertThat(parse().port()).isEqualTo(9124);
    } finally {
      System.clearProperty("SESSIOND_CONFIG");
    }
  }

  @Test
  void anUnknownKeyIsNamed() throws Exception {
    Path file = yaml("public-ur1: https://auth.example.com\n");
    assertThatThrownBy(() -> parse("--config", file.toString())).hasMessageContaining("unknown key 'public-ur1'");
  }

  @Test
  void aBadValueIsNamedByItsFlag() throws Exception {
    Path file = yaml("port: eighty\n");
    assertThatThrownBy(() -> parse("--config", file.toString())).hasMessageContaining("--port").hasMessageContaining("eighty");
    Path nested = yaml("public-url: {a: b}\n");
    assertThatThrownBy(() -> parse("--config", nested.toString())).hasMessageContaining("public-url");
    Path limit = yaml("on-session-limit: sometimes\n");
    assertThatThrownBy(() -> parse("--config", limit.toString())).hasMessageContaining("on-session-limit");
  }

  @Test
  void aProviderWithoutItsClientIdIsNamed() throws Exception {
    Path file = yaml(PROVIDER.replace("    client-id: sessiond\n", ""));
    assertThatThrownBy(() -> parse("--config", file.toString()))
        .hasMessageContaining("oidc-providers[0] (corp)").hasMessageContaining("client-id is required");
  }

  @Test
  void anUnknownProviderKeyIsNamed() throws Exception {
    Path file = yaml(PROVIDER + "    client-scret: x\n");
    assertThatThrownBy(() -> parse("--config", file.toString()))
        .hasMessageContaining("oidc-providers[0]").hasMessageContaining("unknown key 'client-scret'");
  }

  @Test
  void aProviderNeedsAnHttpsIssuerAndOneWayToAuthenticate() throws Exception {
    Path noScheme = yaml(PROVIDER.replace("https://id.example.com/realms/corp", "id.example.com"));
    assertThatThrownBy(() -> parse("--config", noScheme.toString())).hasMessageContaining("issuer");
    Path jwk = Files.writeString(dir.resolve("key.jwk"), "{}");
    Path both = yaml(PROVIDER + "    private-key-jwk-file: " + jwk + "\n");
    assertThatThrownBy(() -> parse("--config", both.toString())).hasMessageContaining("client-secret");
  }

  @Test
  void twoProvidersMayNotShareAName() throws Exception {
    Path file = yaml(PROVIDER + PROVIDER.replace("oidc-providers:\n", ""));
    assertThatThrownBy(() -> parse("--config", file.toString())).hasMessageContaining("corp is given twice");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> parse("--config", dir.resolve("nope.yaml").toString())).hasMessageContaining("no such file");
  }
}
