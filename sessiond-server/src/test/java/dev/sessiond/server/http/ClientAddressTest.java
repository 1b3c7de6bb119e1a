package dev.sessiond.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Who the client is, from the TCP peer and the proxies' header. */
class ClientAddressTest {

  private static final ClientAddress XFF =
      ClientAddress.parse(List.of("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"), "X-Forwarded-For");
  private static final ClientAddress FORWARDED =
      ClientAddress.parse(List.of("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"), "Forwarded");

  @Test
  void withoutTrustedProxiesTheHeaderIsNeverRead() {
    assertThat(ClientAddress.PEER.resolve("127.0.0.1", List.of("203.0.113.7"))).isEqualTo("127.0.0.1");
  }

  @Test
  void aTrustedProxysHeaderNamesTheClient() {
    assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
    assertThat(XFF.resolve("127.0.0.1", List.of())).as("no header: the proxy itself").isEqualTo("127.0.0.1");
  }

  @Test
  void anUntrustedPeersHeaderIsIgnored() {
    assertThat(XFF.resolve("198.51.100.9", List.of("203.0.113.7"))).isEqualTo("198.51.100.9");
    assertThat(FORWARDED.resolve("198.51.100.9", List.of("for=203.0.113.7"))).isEqualTo("198.51.100.9");
  }

  @Test
  void theRightmostAddressThatIsNoTrustedProxyIsTheClientAndWhatTheClientWroteLeftOfItIsIgnored() {
    assertThat(XFF.resolve("127.0.0.1", List.of("6.6.6.6, 203.0.113.7, 10.1.2.3"))).isEqualTo("203.0.113.7");
    assertThat(XFF.resolve("127.0.0.1", List.of("6.6.6.6", "203.0.113.7", "10.1.2.3, 10.9.9.9")))
        .as("over several header lines, in order").isEqualTo("203.0.113.7");
    assertThat(XFF.resolve("127.0.0.1", List.of("10.0.0.1, 127.0.0.1"))).as("all trusted: the leftmost")
        .isEqualTo("10.0.0.1");
  }

  @Test
  void aSpoofedChainCannotNameATrustedProxyAsTheClientBeyondTheFirstUntrustedHop() {
    assertThat(XFF.resolve("127.0.0.1", List.of("10.0.0.5, 203.0.113.7"))).isEqualTo("203.0.113.7");
  }

  @Test
  void ipv6ClientsAndProxiesInTheJdksText() {
    assertThat(XFF.resolve("::1", List.of("2001:DB8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(XFF.resolve("0:0:0:0:0:0:0:1", List.of("2001:db8::1, fd00::7"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(XFF.resolve("127.0.0.1", List.of("[2001:db8::1]:4711"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.7:51234"))).isEqualTo("203.0.113.7");
    assertThat(XFF.resolve("127.0.0.1", List.of("::ffff:203.0.113.7"))).isEqualTo("203.0.113.7");
    assertThat(XFF.resolve("fe80::1%eth0", List.of("203.0.113.7"))).as("an untrusted link-local peer")
        .isEqualTo("fe80:0:0:0:0:0:0:1");
  }

  @Test
  void garbageStopsAtTheNearestTrustedProxy() {
    for (String garbage : List.of("unknown", "_hidden", "", "evil.example", "203.0.113.7 x", "1.2.3.4.5",
        "[2001:db8::1", "[2001:db8::1]x", "<script>", "203.0.113.7\r\nX-Injected: 1", "1.2.3.4:80:90")) {
      assertThat(XFF.resolve("127.0.0.1", List.of(garbage))).as("'%s'", garbage).isEqualTo("127.0.0.1");
      assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.7, " + garbage + ", 10.0.0.2"))).as("'%s'", garbage)
          .isEqualTo("10.0.0.2");
    }
    assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.7,"))).isEqualTo("127.0.0.1");
  }

  @Test
  void aLongChainIsReadOnlyToItsLimit() {
    String trusted = String.join(", ", java.util.Collections.nCopies(ClientAddress.MAX_HOPS + 5, "10.0.0.1"));
    assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.7, " + trusted))).isEqualTo("10.0.0.1");
  }

  @Test
  void rfc7239ForwardedForIsReadWhenThatIsTheHeader() {
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=203.0.113.7;proto=https;by=10.0.0.1"))).isEqualTo("203.0.113.7");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=\"[2001:db8:cafe::17]:4711\""))).isEqualTo("2001:db8:cafe:0:0:0:0:17");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("For=\"192.0.2.43:47011\", for=10.0.0.3"))).isEqualTo("192.0.2.43");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=6.6.6.6, for=203.0.113.7", "proto=http;for=10.0.0.3")))
        .isEqualTo("203.0.113.7");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=\"a;b,c\";by=x, for=203.0.113.7")))
        .as("separators inside quotes are text").isEqualTo("203.0.113.7");
  }

  @Test
  void forwardedWithoutAnAddressStopsAtTheNearestTrustedProxy() {
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=unknown"))).isEqualTo("127.0.0.1");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=_hidden, for=10.0.0.3"))).isEqualTo("10.0.0.3");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("proto=https"))).as("an element without for").isEqualTo("127.0.0.1");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=\"203.0.113.7"))).as("an unclosed quote").isEqualTo("203.0.113.7");
    assertThat(FORWARDED.resolve("127.0.0.1", List.of(";;,,=;"))).isEqualTo("127.0.0.1");
  }

  @Test
  void theOtherHeaderIsNeverRead() {
    assertThat(FORWARDED.resolve("127.0.0.1", List.of("203.0.113.7"))).as("an X-Forwarded-For value read as Forwarded")
        .isEqualTo("127.0.0.1");
  }

  @Test
  void forwardedElementsGiveTheirForOrNothing() {
    assertThat(ClientAddress.forwardedFor(List.of("for=1.1.1.1;by=2.2.2.2, by=3.3.3.3, for=\"[::1]\""))).containsExactly(
        "1.1.1.1", "", "[::1]");
    assertThat(ClientAddress.forwardedFor(List.of("for=\"a\\\"b\""))).containsExactly("a\"b");
  }
}
