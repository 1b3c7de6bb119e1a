package dev.sessiond.server.http;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import java.time.Duration;

/**
 * The session cookie as every route sets and clears it: HttpOnly, SameSite=Lax (a navigation
 * from another site to a protected app must carry it to forward auth; unsafe requests are
 * guarded by {@link Auth}'s Origin and Sec-Fetch-Site check), Secure when asked, and the
 * configured Domain so that one login covers sibling hosts.
 */
public final class SessionCookie {

  private final boolean secure;
  private final String domain;

  /** {@code domain} may be null: a host-only cookie. */
  public SessionCookie(boolean secure, String domain) {
    this.secure = secure;
    this.domain = domain == null || domain.isBlank() ? null : domain;
  }

  public Cookie issue(String token, Duration maxAge) {
    Cookie cookie = Cookie.cookie(Auth.COOKIE, token)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX)
        .setSecure(secure)
        .setMaxAge(Math.max(0, maxAge.toSeconds()));
    return domain == null ? cookie : cookie.setDomain(domain);
  }

  public Cookie clear() {
    return issue("", Duration.ZERO);
  }
}
