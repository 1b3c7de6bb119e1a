package dev.sessiond.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.server.Config;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrustedProxiesFlagsTest {

  private static Config parse(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.toConfig();
  }

  @Test
  void noProxyIsTrustedUnlessNamed() {
    assertThat(parse().trustedProxies()).isEqualTo(Config.TrustedProxies.NONE);
  }

  @Test
  void proxiesAreAddressesAndRangesOfBothFamiliesAndTheHeaderIsOneOfTwo() {
    Config.TrustedProxies p = parse("--trusted-proxies", "127.0.0.1, 10.0.0.0/8,::1,fd00::/8",
        "--client-ip-header", "forwarded").trustedProxies();
    assertThat(p.ranges()).containsExactly("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8");
    assertThat(p.header()).isEqualTo("forwarded");
  }

  @Test
  void aNameABadRangeOrAnotherHeaderIsRefusedAtStart() {
    for (String bad : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "fd00::/129", "10.0.0.0/8/8",
        "300.1.1.1", "fe80::1%eth0")) {
      assertThatThrownBy(() -> parse("--trusted-proxies", bad)).as(bad).hasMessageContaining("--trusted-proxies");
    }
    assertThatThrownBy(() -> parse("--trusted-proxies", "127.0.0.1", "--client-ip-header", "X-Real-IP"))
        .hasMessageContaining("--client-ip-header");
  }
}
