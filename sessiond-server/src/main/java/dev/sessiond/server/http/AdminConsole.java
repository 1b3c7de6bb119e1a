package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.GET;

import io.vertx.ext.web.handler.StaticHandler;

/**
 * The admin console: static HTML, CSS and JavaScript from the jar at {@code /admin/}, with
 * {@code /} and {@code /admin} redirected there. It talks to the public API like any client.
 */
public final class AdminConsole {

  public void mount(HttpApi api) {
    StaticHandler files = StaticHandler.create("console").setCachingEnabled(false);
    api.route(GET, "/admin/*", ctx -> {
      ctx.response().putHeader("Cache-Control", "no-cache")
          .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'")
          .putHeader("X-Content-Type-Options", "nosniff");
      if (!ctx.request().path().startsWith("/admin/")) {
        ctx.response().setStatusCode(302).putHeader("Location", "/admin/").end();
        return;
      }
      if (ctx.request().path().equals("/admin/")) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").sendFile("console/index.html");
        return;
      }
      files.handle(ctx);
    });
    api.route(GET, "/", ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/admin/").end());
  }
}
