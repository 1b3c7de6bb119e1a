package dev.sessiond.server.forwardauth;

import dev.sessiond.core.Session;
import dev.sessiond.core.SessionService;
import dev.sessiond.server.http.Auth;
import dev.sessiond.server.http.Endpoints;
import dev.sessiond.server.http.Errors;
import dev.sessiond.server.http.HttpApi;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.wire.Responses.ErrorMessage;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code /api/forward-auth}, any method: the check a proxy (nginx {@code auth_request}, Caddy
 * {@code forward_auth}, Traefik ForwardAuth) makes before each request it forwards. The
 * credentials are the session cookie, else a bearer token; never {@code ?token=} (the query is
 * the protected app's). A live session answers 200 with {@code Remote-User}, {@code Remote-Name},
 * {@code Remote-Session} and {@code Remote-Admin}; anything else 401 JSON, or, for a browser page
 * load whose destination the proxy names in {@code X-Forwarded-Proto/Host/Uri}, a 302 to the
 * login page. nginx's {@code auth_request} cannot pass a 302 on, so when it names the destination
 * in {@code X-Original-URL} the answer stays 401 and carries the login page in {@code Location}
 * for nginx's {@code error_page}. Nothing here may be cached.
 */
public final class ForwardAuthRoutes {

  private final SessionService sessions;
  private final RedirectPolicy redirects;

  public ForwardAuthRoutes(SessionService sessions, RedirectPolicy redirects) {
    this.sessions = sessions;
    this.redirects = redirects;
  }

  public void mount(HttpApi api) {
    api.routeAnyMethod("/api/forward-auth", this::check);
  }

  private void check(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    String token = token(ctx.request());
    if (token == null) {
      refuse(ctx, "authentication required");
      return;
    }
    Endpoints.onLoop(ctx, Endpoints.attempt(() -> sessions.verify(token)), (found, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
      } else if (found.isEmpty()) {
        refuse(ctx, "invalid or expired token");
      } else {
        allow(ctx.response(), found.get());
      }
    });
  }

  /** The cookie above all, else a bearer token; an Authorization header of another scheme is the app's business. */
  private static String token(HttpServerRequest request) {
    Cookie cookie = request.getCookie(Auth.COOKIE);
    if (cookie != null && !cookie.getValue().isEmpty()) {
      return cookie.getValue();
    }
    String header = request.getHeader("Authorization");
    if (header != null && header.length() > 7 && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return null;
  }

  private static void allow(HttpServerResponse response, Session session) {
    response.setStatusCode(200)
        .putHeader("Remote-User", session.userId())
        .putHeader("Remote-Name", headerValue(session.profile().name()))
        .putHeader("Remote-Session", session.id())
        .putHeader("Remote-Admin", Boolean.toString(session.profile().isAdmin()))
        .end();
  }

  private void refuse(RoutingContext ctx, String message) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    boolean pageLoad = acceptsHtml(request.getHeader("Accept"));
    Optional<String> forwarded = forwardedUrl(request);
    if (pageLoad && forwarded.isPresent()) {
      response.setStatusCode(302).putHeader("Location", redirects.loginUrl(forwarded.get())).end();
      return;
    }
    String original = request.getHeader("X-Original-URL");
    if (pageLoad && original != null && !original.isEmpty()) {
      response.putHeader("Location", redirects.loginUrl(original));
    }
    if (!response.ended()) {
      response.setStatusCode(401).putHeader("Content-Type", "application/json")
          .end(Json.encode(new ErrorMessage(message)));
    }
  }

  /** The URL the proxied request was for, when the proxy says so as Caddy and Traefik do. */
  private static Optional<String> forwardedUrl(HttpServerRequest request) {
    String proto = request.getHeader("X-Forwarded-Proto");
    String host = request.getHeader("X-Forwarded-Host");
    String uri = request.getHeader("X-Forwarded-Uri");
    if (proto == null || host == null || uri == null || proto.isEmpty() || host.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(proto + "://" + host + (uri.startsWith("/") ? uri : "/" + uri));
  }

  static boolean acceptsHtml(String accept) {
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
  }

  /** Header values are bytes: UTF-8 as such, without control characters that would end the header. */
  static String headerValue(String value) {
    StringBuilder clean = new StringBuilder(value.length());
    value.codePoints().filter(c -> c >= 0x20 && c != 0x7f).forEach(clean::appendCodePoint);
    return new String(clean.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
