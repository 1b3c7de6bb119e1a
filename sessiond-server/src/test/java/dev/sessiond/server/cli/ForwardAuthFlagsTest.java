package dev.sessiond.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.server.Config;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ForwardAuthFlagsTest {

  private static Config parse(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.toConfig();
  }

  @Test
  void redirectDomainsDefaultToTheCookieDomainAndBelow() {
    Config.ForwardAuth fa = parse("--public-url", "https://auth.example.com", "--cookie-domain", "example.com").forwardAuth();
    assertThat(fa.publicUrl()).isEqualTo("https://auth.example.com");
    assertThat(fa.cookieDomain()).isEqualTo("example.com");
    assertThat(fa.redirectDomains()).containsExactly(".example.com");
  }

  @Test
  void redirectDomainsAreAListOfHostsAndSuffixes() {
    assertThat(parse("--redirect-domains", "app.example.com, .corp.example").forwardAuth().redirectDomains())
        .containsExactly("app.example.com", ".corp.example");
    assertThat(parse().forwardAuth()).isEqualTo(new Config.ForwardAuth(null, null, List.of()));
  }

  @Test
  void aPublicUrlMustBeAnHttpUrl() {
    assertThatThrownBy(() -> parse("--public-url", "auth.example.com")).hasMessageContaining("--public-url");
    assertThatThrownBy(() -> parse("--public-url", "https://u@auth.example.com")).hasMessageContaining("--public-url");
  }
}
