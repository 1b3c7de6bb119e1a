package dev.sessiond.server.forwardauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a login may send the browser back to ({@code rd}), and where the login page is. An
 * {@code rd} is followed only when it is an absolute http or https URL without user info whose
 * host is allowed: {@code example.com} allows exactly that host, {@code .example.com} allows it
 * and every host under it, and the host of {@code --public-url} is always allowed. When
 * {@code --public-url} is https, so must the target be: an {@code http://} one would hand the
 * browser, just signed in, to whoever sits on the network path. Anything a browser could read
 * differently from this parser (backslashes, control characters or spaces, scheme-relative
 * {@code //host}, {@code http:host}) is refused, so there is no open redirect. Immutable and
 * thread-safe.
 */
public final class RedirectPolicy {

  static final int MAX_LENGTH = 4096;

  private final List<String> exact;
  private final List<String> suffixes;
  private final String publicUrl;
  private final boolean httpsOnly;

  /** {@code publicUrl} may be null; {@code domains} as given to {@code --redirect-domains}. */
  public RedirectPolicy(List<String> domains, String publicUrl) {
    this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : stripSlash(publicUrl.trim());
    this.httpsOnly = this.publicUrl != null && this.publicUrl.regionMatches(true, 0, "https://", 0, 8);
    List<String> names = domains.stream().map(d -> d.trim().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty()).toList();
    List<String> ex = new java.util.ArrayList<>(names.stream().filter(d -> !d.startsWith(".")).toList());
    if (this.publicUrl != null) {
      ex.add(URI.create(this.publicUrl).getHost().toLowerCase(Locale.ROOT));
    }
    this.exact = List.copyOf(ex);
    this.suffixes = names.stream().filter(d -> d.startsWith(".") && d.length() > 1).toList();
  }

  /** Checks what {@code --public-url} and {@code --redirect-domains} say at start; a message for each mistake. */
  public static String validatePublicUrl(String publicUrl) {
    if (publicUrl == null || publicUrl.isBlank()) {
      return publicUrl;
    }
    try {
      URI uri = new URI(publicUrl.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException("--public-url must be an http(s) URL such as https://auth.example.com");
      }
      return publicUrl.trim();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--public-url is not a URL: " + e.getReason());
    }
  }

  /** The target to send the browser to, if {@code rd} may be followed; empty when it is refused. */
  public Optional<String> check(String rd) {
    if (rd == null || rd.isEmpty() || rd.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < rd.length(); i++) {
      char c = rd.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return Optional.empty();
      }
    }
    URI uri;
    try {
      uri = new URI(rd);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http") && !httpsOnly) || uri.isOpaque()
        || uri.getRawUserInfo() != null || uri.getHost() == null || !rd.regionMatches(true, 0, scheme + "://", 0, scheme.length() + 3)) {
      return Optional.empty();
    }
    return allowed(uri.getHost()) ? Optional.of(uri.toASCIIString()) : Optional.empty();
  }

  /** True when {@code rd} is refused for being plain http on an https deployment, for a message. */
  public boolean refusesForPlainHttp(String rd) {
    return httpsOnly && rd != null && rd.regionMatches(true, 0, "http://", 0, 7);
  }

  /** The host {@code rd} names, for a message; null when it has none. */
  public static String hostOf(String rd) {
    try {
      return new URI(rd).getHost();
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private boolean allowed(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (exact.contains(h)) {
      return true;
    }
    for (String suffix : suffixes) {
      if (h.endsWith(suffix) || h.equals(suffix.substring(1))) {
        return true;
      }
    }
    return false;
  }

  /** The login page's URL, sending the browser back to {@code target} afterwards. */
  public String loginUrl(String target) {
    return (publicUrl == null ? "" : publicUrl) + "/login?rd=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
  }

  /** Where a login without (or with a refused) {@code rd} lands: sessiond's own front page. */
  public String home() {
    return (publicUrl == null ? "" : publicUrl) + "/";
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
