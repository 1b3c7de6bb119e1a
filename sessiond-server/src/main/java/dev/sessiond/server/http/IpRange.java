package dev.sessiond.server.http;

import dev.sessiond.core.IpLiteral;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * One entry of {@code --trusted-proxies}: an address ({@code 10.0.0.7}, {@code ::1}) or a CIDR
 * range ({@code 10.0.0.0/8}, {@code fd00::/8}), host bits ignored. An IPv4 range holds only IPv4
 * addresses and an IPv6 range only IPv6 ones (IPv4-mapped IPv6 addresses are IPv4, as the JDK
 * parses them). Immutable.
 */
public final class IpRange {

  private final byte[] network;
  private final int prefix;
  private final String text;

  private IpRange(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses an address or a CIDR range; IllegalArgumentException says what is wrong. */
  public static IpRange parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    InetAddress parsed = IpLiteral.parse(address).orElseThrow(() -> new IllegalArgumentException(
        "--trusted-proxies: '" + text + "' is not an IP address or a CIDR range (10.0.0.0/8, fd00::/8)"));
    byte[] bytes = parsed.getAddress();
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String length = t.substring(slash + 1);
      if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(length) > bits) {
        throw new IllegalArgumentException("--trusted-proxies: the prefix length of '" + text + "' must be 0 to " + bits);
      }
      prefix = Integer.parseInt(length);
    }
    return new IpRange(masked(bytes, prefix), prefix, t);
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == network.length && Arrays.equals(masked(bytes, prefix), network);
  }

  private static byte[] masked(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
