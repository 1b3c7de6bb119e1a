package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.GET;

import java.util.Map;

/**
 * The API reference page: {@code GET /docs/api} renders {@code /docs/openapi.yaml} (the build
 * copies docs/openapi.yaml into the jar) with Redoc's standalone bundle, vendored from npm into the
 * jar (sessiond-server/vendor), so the page needs nothing from elsewhere. Public, like the
 * document in the repository; it holds no data of the server's.
 */
public final class ApiReference {

  private record File(String resource, String contentType) {}

  private static final Map<String, File> FILES = Map.of(
      "/docs/api", new File("apidocs/index.html", "text/html; charset=utf-8"),
      "/docs/api/init.js", new File("apidocs/init.js", "text/javascript; charset=utf-8"),
      "/docs/api/redoc.standalone.js", new File("apidocs/redoc.standalone.js", "text/javascript; charset=utf-8"),
      "/docs/openapi.yaml", new File("apidocs/openapi.yaml", "application/yaml; charset=utf-8"));

  /**
   * Redoc styles its elements with inline style sheets (styled-components) and runs its search in
   * a worker it makes from a blob; everything else comes from this origin.
   */
  private static final String CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
      + "worker-src 'self' blob:; frame-ancestors 'none'";

  public void mount(HttpApi api) {
    FILES.forEach((path, file) -> api.route(GET, path, ctx -> ctx.response()
        .putHeader("Content-Type", file.contentType())
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .sendFile(file.resource())));
  }
}
