package dev.sessiond.server.http;

import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.keys.ApiKeys;
import dev.sessiond.core.keys.Scope;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Finds the caller of a request: a session, the static API token, or an API key (a secret with
 * {@link ApiKeys#PREFIX}, looked up in the key store on every request, so that a deleted key is
 * refused from the next one on, on every node). The token comes from {@code Authorization: Bearer}, else
 * {@code ?token=}, else the session cookie; a malformed or unknown one is refused, never
 * passed over for the next source. Cookie-authenticated unsafe requests from another origin
 * are refused (CSRF), on top of the cookie's SameSite=Lax.
 */
public final class Auth {

  public static final String COOKIE = "sessiond_session";

  private static final CompletionStage<Caller> API_TOKEN = CompletableFuture.completedFuture(Caller.API_TOKEN);

  private final SessionService sessions;
  private final ApiKeys keys;
  private final String apiTokenHash;

  /** {@code apiToken} may be null: then no static token is accepted. */
  public Auth(SessionService sessions, ApiKeys keys, String apiToken) {
    this.sessions = sessions;
    this.keys = keys;
    this.apiTokenHash = apiToken == null || apiToken.isEmpty() ? null : Tokens.hash(apiToken);
  }

  public CompletionStage<Caller> caller(HttpServerRequest request) {
    boolean viaCookie = false;
    String token;
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new SessiondException.Unauthorized("the Authorization header must be 'Bearer <token>'");
      }
      token = header.substring(7).trim();
    } else if ((token = request.getParam("token")) == null) {
      Cookie cookie = request.getCookie(COOKIE);
      if (cookie == null) {
        throw new SessiondException.Unauthorized("authentication required");
      }
      token = cookie.getValue();
      viaCookie = true;
    }
    if (viaCookie && isUnsafe(request.method()) && isCrossOrigin(request)) {
      throw new SessiondException.Forbidden("cross-origin request refused");
    }
    // Hashed once, for both the API token and the sessions (an API token may be longer than a session's).
    String hash = SessionService.hashOf(token);
    if (apiTokenHash != null && Tokens.constantTimeEquals(hash != null ? hash : Tokens.hash(token), apiTokenHash)) {
      return API_TOKEN;
    }
    if (hash == null) {
      throw new SessiondException.Unauthorized("invalid or expired token");
    }
    if (!viaCookie && ApiKeys.isKey(token)) {
      return keys.find(hash).thenApply(found -> Caller.of(
          found.orElseThrow(() -> new SessiondException.Unauthorized("unknown or deleted API key"))));
    }
    boolean cookie = viaCookie;
    return sessions.verifyHash(hash).thenApply(found -> Caller.of(
        found.orElseThrow(() -> new SessiondException.Unauthorized("invalid or expired token")), cookie));
  }

  /** The caller, when it may act in {@code scope} (else 403). */
  public CompletionStage<Caller> scoped(HttpServerRequest request, Scope scope) {
    return caller(request).thenApply(caller -> {
      if (!caller.may(scope)) {
        throw new SessiondException.Forbidden(caller.key() == null ? "admin right required"
            : "this API key does not hold the " + scope.wire() + " scope");
      }
      return caller;
    });
  }

  public CompletionStage<Caller> admin(HttpServerRequest request) {
    return scoped(request, Scope.ADMIN);
  }

  /**
   * Refuses a cookie-authenticated request from another origin whatever its method, for the
   * routes that front ends on other origins may call with a bearer token (see {@link Cors}):
   * the cookie is for sessiond's own pages only.
   */
  public static void refuseCrossOriginCookie(Caller caller, HttpServerRequest request) {
    if (caller.viaCookie() && isCrossOrigin(request)) {
      throw new SessiondException.Forbidden("cross-origin request with the session cookie refused: send the token as a bearer token");
    }
  }

  private static boolean isUnsafe(HttpMethod method) {
    return !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
  }

  /**
   * True only when the browser says the request comes from sessiond's own pages or from the
   * user (typed, bookmarked: {@code Sec-Fetch-Site: none}), and no {@code Origin} says otherwise.
   * The check for a state change that browsers send by GET (a link, an {@code <img>}), where
   * {@link #isCrossOrigin}'s benefit of the doubt would let a sibling site (same-site) or a
   * browser without fetch metadata act: there, no metadata is no proof.
   */
  public static boolean isProvenSameOrigin(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    return ("same-origin".equals(site) || "none".equals(site)) && !isCrossOrigin(request);
  }

  /** True when the browser says the request comes from a page of another origin. */
  public static boolean isCrossOrigin(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return true;
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return false;
    }
    try {
      URI uri = URI.create(origin);
      HostAndPort authority = request.authority();
      if (authority == null || uri.getHost() == null) {
        return true;
      }
      int originPort = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      int port = authority.port() != -1 ? authority.port() : request.isSSL() ? 443 : 80;
      return !uri.getHost().equalsIgnoreCase(authority.host()) || originPort != port;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
