package dev.sessiond.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP address literals, parsed by the JDK and never looked up. {@link InetAddress#getByName}
 * parses a literal itself but asks DNS about anything else, so a text reaches it only when it
 * cannot be a name: with a colon and nothing but hex digits, colons and dots (the JDK then
 * parses it as IPv6 or refuses it), or as four dot-separated numbers of 0 to 255. Zone IDs
 * ({@code %eth0}) are refused. IPv4-mapped IPv6 addresses come back as IPv4, as the JDK makes them.
 */
public final class IpLiteral {

  /** The longest IPv6 text, an IPv4 tail included. */
  private static final int MAX_LENGTH = 45;

  private IpLiteral() {}

  public static Optional<InetAddress> parse(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    if (text.indexOf(':') >= 0 ? !hexColonsAndDots(text) : !dottedQuad(text)) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * The network a client is counted by: an IPv4 address as itself, an IPv6 address by its /64
   * (one subscriber's usual allocation, which hands its holder 2^64 addresses). Text that is no
   * literal is its own network.
   */
  public static String network(String ip) {
    Optional<InetAddress> parsed = parse(ip);
    if (parsed.isEmpty()) {
      return ip;
    }
    byte[] bytes = parsed.get().getAddress();
    if (bytes.length == 4) {
      return parsed.get().getHostAddress();
    }
    java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  private static boolean hexColonsAndDots(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static boolean dottedQuad(String text) {
    int parts = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i == text.length() ? '.' : text.charAt(i);
      if (c == '.') {
        if (digits == 0 || value > 255) {
          return false;
        }
        parts++;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9' && digits < 3) {
        value = value * 10 + (c - '0');
        digits++;
      } else {
        return false;
      }
    }
    return parts == 4;
  }
}
