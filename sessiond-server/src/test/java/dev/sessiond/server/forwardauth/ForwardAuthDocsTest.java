package dev.sessiond.server.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy configurations the forward-auth guide (docs/guides/forward-auth.md) shows are the files the proxy integration tests run. */
class ForwardAuthDocsTest {

  @ParameterizedTest
  @ValueSource(strings = {"nginx.conf", "Caddyfile", "traefik.yml"})
  void theGuideShowsTheTestedConfigurationUnchanged(String name) throws IOException {
    String config = Files.readString(Path.of("../docs/forward-auth", name));
    assertThat(Files.readString(Path.of("../docs/guides/forward-auth.md"))).contains(config);
  }
}
