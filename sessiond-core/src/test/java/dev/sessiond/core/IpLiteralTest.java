package dev.sessiond.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpLiteralTest {

  private static Optional<String> parsed(String text) {
    return IpLiteral.parse(text).map(InetAddress::getHostAddress);
  }

  @Test
  void literalsAreParsedByTheJdk() {
    assertThat(parsed("203.0.113.7")).contains("203.0.113.7");
    assertThat(parsed("2001:db8::1")).contains("2001:db8:0:0:0:0:0:1");
    assertThat(parsed("2001:DB8:0:0:0:0:0:1")).contains("2001:db8:0:0:0:0:0:1");
    assertThat(parsed("::1")).contains("0:0:0:0:0:0:0:1");
    assertThat(parsed("::ffff:192.0.2.1")).as("IPv4-mapped is IPv4").contains("192.0.2.1");
    assertThat(parsed("64:ff9b::192.0.2.1")).contains("64:ff9b:0:0:0:0:c000:201");
  }

  @Test
  void namesAndGarbageAreNoAddressAndNeverLookedUp() {
    for (String text : new String[] {"localhost", "example.com", "beef", "cafe.babe", "1.2.3", "1.2.3.4.5",
        "1.2.3.256", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.", "1234.1.1.1", "0x7f.0.0.1", "unknown", "_hidden",
        "", "2001:db8::1%eth0", "2001:db8::g", "[2001:db8::1]", "1:2", ":::", "2001:db8::1::2", "1.2.3.4:80",
        "\u0661.2.3.4", "a".repeat(46)}) {
      assertThat(parsed(text)).as("'%s'", text).isEmpty();
    }
    assertThat(parsed(null)).isEmpty();
  }

  @Test
  void anIpv4AddressIsItsOwnNetworkAndAnIpv6OneItsSlash64() {
    assertThat(IpLiteral.network("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(IpLiteral.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(IpLiteral.network("2001:db8:1:2::99")).isEqualTo(IpLiteral.network("2001:db8:1:2::1"));
    assertThat(IpLiteral.network("2001:db8:1:3::1")).isNotEqualTo(IpLiteral.network("2001:db8:1:2::1"));
    assertThat(IpLiteral.network("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(IpLiteral.network("not an address")).isEqualTo("not an address");
  }
}
