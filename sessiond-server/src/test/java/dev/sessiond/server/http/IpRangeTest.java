package dev.sessiond.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.IpLiteral;
import org.junit.jupiter.api.Test;

class IpRangeTest {

  private static boolean in(String range, String address) {
    return IpRange.parse(range).contains(IpLiteral.parse(address).orElseThrow());
  }

  @Test
  void rangesHoldTheirAddressesOfTheirFamilyOnly() {
    assertThat(in("10.0.0.0/8", "10.255.1.2")).isTrue();
    assertThat(in("10.0.0.0/8", "11.0.0.1")).isFalse();
    assertThat(in("10.1.2.3/8", "10.9.9.9")).as("host bits are ignored").isTrue();
    assertThat(in("192.168.1.128/25", "192.168.1.200")).isTrue();
    assertThat(in("192.168.1.128/25", "192.168.1.127")).isFalse();
    assertThat(in("127.0.0.1", "127.0.0.1")).isTrue();
    assertThat(in("127.0.0.1", "127.0.0.2")).isFalse();
    assertThat(in("0.0.0.0/0", "203.0.113.7")).isTrue();
    assertThat(in("0.0.0.0/0", "2001:db8::1")).isFalse();
    assertThat(in("fd00::/8", "fd12:3456::1")).isTrue();
    assertThat(in("fd00::/8", "fe80::1")).isFalse();
    assertThat(in("::1", "0:0:0:0:0:0:0:1")).isTrue();
    assertThat(in("::/0", "10.0.0.1")).isFalse();
    assertThat(in("10.0.0.0/8", "::ffff:10.0.0.1")).as("IPv4-mapped is IPv4").isTrue();
  }
}
