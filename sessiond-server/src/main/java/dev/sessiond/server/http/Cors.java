package dev.sessiond.server.http;

import dev.sessiond.core.SessiondException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Lets the pages of the origins in {@code --cors-origins} call a few routes with a bearer
 * token: preflights are answered, answers carry {@code Access-Control-Allow-Origin}, and never
 * {@code Access-Control-Allow-Credentials}, so a browser sends no cookie across origins and
 * reads no answer to one (the routes refuse such a call anyway, see
 * {@link Auth#refuseCrossOriginCookie}). A request from any other origin gets 403; one from
 * sessiond's own origin passes untouched. Vert.x's CorsHandler writes the headers.
 */
public final class Cors {

  private final Set<String> origins;
  private final CorsHandler headers;

  public Cors(List<String> origins) {
    for (String origin : origins) {
      requireOrigin(origin);
    }
    this.origins = Set.copyOf(origins);
    this.headers = CorsHandler.create()
        .addOrigins(origins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type"))
        .exposedHeader("Link")
        .allowCredentials(false)
        .maxAgeSeconds(600);
  }

  /** Opens each path (a Vert.x route path, e.g. {@code /api/me/*}) to the configured origins; before its routes. */
  public void mount(HttpApi api, String... paths) {
    if (origins.isEmpty()) {
      return;
    }
    for (String path : paths) {
      api.filter(path, this::handle);
    }
  }

  private void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || !Auth.isCrossOrigin(ctx.request())) {
      ctx.next();
    } else if (!origins.contains(origin)) {
      Errors.send(ctx, new SessiondException.Forbidden("origin " + printable(origin) + " is not in --cors-origins"));
    } else {
      headers.handle(ctx);
    }
  }

  /** An origin as browsers send it: {@code http(s)://host[:port]}, nothing after. */
  static void requireOrigin(String origin) {
    String why = null;
    try {
      URI uri = new URI(origin);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        why = "the scheme must be http or https";
      } else if (uri.getHost() == null || uri.getRawUserInfo() != null) {
        why = "it needs a host and nothing before it";
      } else if (!uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        why = "it may not have a path (not even /), query or fragment";
      }
    } catch (java.net.URISyntaxException e) {
      why = "it is not a URL";
    }
    if (why != null) {
      throw new IllegalArgumentException("--cors-origins: '" + origin + "' is not an origin like https://app.example.com: " + why);
    }
  }

  private static String printable(String origin) {
    String cut = origin.length() > 100 ? origin.substring(0, 100) + "..." : origin;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
