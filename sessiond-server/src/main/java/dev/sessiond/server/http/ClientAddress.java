package dev.sessiond.server.http;

import dev.sessiond.core.IpLiteral;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who a request comes from: the address a session records and the login throttle counts by.
 * It is the TCP peer, unless the peer is one of the trusted proxies ({@code --trusted-proxies});
 * then the proxies' header ({@code --client-ip-header}: {@code X-Forwarded-For}, or RFC 7239
 * {@code Forwarded}'s {@code for=}) is read from the right, each trusted proxy's entry skipped,
 * and the first address that is no trusted proxy is the client. Anything left of it was written
 * by the client, or by proxies nobody vouches for, and is ignored; so is the whole header when
 * the peer is not trusted. An entry that is no address ({@code unknown}, an obfuscated
 * {@code _name}, garbage) stops the walk at the nearest trusted proxy: the client is that
 * proxy's address, not a guess. Only one header is read, the one the proxies write: a proxy
 * that sets X-Forwarded-For passes a client's own {@code Forwarded} on untouched, and the other
 * way round. Addresses come back in the JDK's text ({@code 2001:db8:0:0:0:0:0:1}), so one client
 * is one text. Parsing never looks a name up ({@link IpLiteral}). Immutable.
 */
public final class ClientAddress {

  public enum Header {
    X_FORWARDED_FOR("X-Forwarded-For"), FORWARDED("Forwarded");

    private final String field;

    Header(String field) {
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /** Trusts no proxy: the TCP peer. */
  public static final ClientAddress PEER = new ClientAddress(List.of(), Header.X_FORWARDED_FOR);
  /** Hops read from the right at most: a longer chain of trusted proxies ends at the last one read. */
  static final int MAX_HOPS = 32;

  private final List<IpRange> trusted;
  private final Header header;

  public ClientAddress(List<IpRange> trusted, Header header) {
    this.trusted = List.copyOf(trusted);
    this.header = header;
  }

  /** From the flags; IllegalArgumentException says which value is wrong. */
  public static ClientAddress parse(List<String> trustedProxies, String header) {
    Header h = switch (header == null ? "x-forwarded-for" : header.strip().toLowerCase(Locale.ROOT)) {
      case "x-forwarded-for" -> Header.X_FORWARDED_FOR;
      case "forwarded" -> Header.FORWARDED;
      default -> throw new IllegalArgumentException("--client-ip-header must be X-Forwarded-For or Forwarded");
    };
    return new ClientAddress(trustedProxies.stream().map(IpRange::parse).toList(), h);
  }

  /** The client address of a routed request. */
  public String of(RoutingContext ctx) {
    return resolve(ctx.request());
  }

  public String resolve(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String text = peer == null ? null : peer.hostAddress() != null ? peer.hostAddress() : peer.host();
    return resolve(text, trusted.isEmpty() ? List.of() : request.headers().getAll(header.field()));
  }

  /** The client, from the peer's address and the header's values in the order received. */
  String resolve(String peerText, List<String> values) {
    if (peerText == null) {
      return "unknown";
    }
    Optional<InetAddress> peer = IpLiteral.parse(withoutZone(peerText));
    if (peer.isEmpty()) {
      return peerText;
    }
    if (!isTrusted(peer.get()) || values.isEmpty()) {
      return text(peer.get());
    }
    List<String> hops = header == Header.X_FORWARDED_FOR ? forwardedForList(values) : forwardedFor(values);
    InetAddress nearest = peer.get();
    for (int i = hops.size() - 1; i >= Math.max(0, hops.size() - MAX_HOPS); i--) {
      Optional<InetAddress> hop = node(hops.get(i));
      if (hop.isEmpty()) {
        return text(nearest);
      }
      if (!isTrusted(hop.get())) {
        return text(hop.get());
      }
      nearest = hop.get();
    }
    return text(nearest);
  }

  private boolean isTrusted(InetAddress address) {
    for (IpRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** X-Forwarded-For: comma-separated entries, over as many lines as came. */
  private static List<String> forwardedForList(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      for (String entry : value.split(",", -1)) {
        hops.add(entry.strip());
      }
    }
    return hops;
  }

  /**
   * RFC 7239: elements separated by commas, pairs by semicolons, values tokens or quoted strings
   * (a comma or semicolon inside quotes is text). Each element gives its {@code for} value, or
   * "" (no address) when it has none.
   */
  static List<String> forwardedFor(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      String found = null;
      int i = 0;
      int n = value.length();
      while (true) {
        int start = i;
        while (i < n && "=;,".indexOf(value.charAt(i)) < 0) {
          i++;
        }
        String name = value.substring(start, i).strip();
        String pairValue = "";
        if (i < n && value.charAt(i) == '=') {
          i++;
          StringBuilder v = new StringBuilder();
          if (i < n && value.charAt(i) == '"') {
            i++;
            while (i < n && value.charAt(i) != '"') {
              if (value.charAt(i) == '\\' && i + 1 < n) {
                i++;
              }
              v.append(value.charAt(i++));
            }
            i++;   // past the closing quote (or the end of a malformed value)
          }
          while (i < n && ";,".indexOf(value.charAt(i)) < 0) {
            v.append(value.charAt(i++));
          }
          pairValue = v.toString().strip();
        }
        if (found == null && name.equalsIgnoreCase("for")) {
          found = pairValue;
        }
        if (i >= n || value.charAt(i) == ',') {
          hops.add(found == null ? "" : found);
          found = null;
          if (i >= n) {
            break;
          }
        }
        i++;
      }
    }
    return hops;
  }

  /** An entry's address: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1}, {@code [2001:db8::1]:4711}. */
  static Optional<InetAddress> node(String entry) {
    String s = entry.strip();
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      if (end < 0 || !(end == s.length() - 1 || s.charAt(end + 1) == ':')) {
        return Optional.empty();
      }
      return IpLiteral.parse(s.substring(1, end));
    }
    int colon = s.indexOf(':');
    if (colon >= 0 && colon == s.lastIndexOf(':')) {
      return IpLiteral.parse(s.substring(0, colon)).filter(a -> a.getAddress().length == 4);
    }
    return IpLiteral.parse(s);
  }

  private static String withoutZone(String address) {
    int zone = address.indexOf('%');
    return zone < 0 ? address : address.substring(0, zone);
  }

  private static String text(InetAddress address) {
    return withoutZone(address.getHostAddress());
  }

  @Override
  public String toString() {
    return trusted.isEmpty() ? "the TCP peer" : "the TCP peer, or " + header.field() + " from " + trusted;
  }
}
