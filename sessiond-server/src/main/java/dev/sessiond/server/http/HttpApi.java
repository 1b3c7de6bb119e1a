package dev.sessiond.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP router: every route is registered through {@link #route}, which times it under its
 * path template for {@code /metrics}. Bodies over 64 KiB are refused with 413; unknown routes,
 * wrong methods and malformed requests answer JSON errors through {@link Errors}.
 */
public final class HttpApi {

  public static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String ROUTE_KEY = "sessiond.route";

  private final Router router;
  private final MeterRegistry registry;

  public HttpApi(Vertx vertx, MeterRegistry registry) {
    this.registry = registry;
    this.router = Router.router(vertx);
    router.route().handler(this::timed);
    // Only requests that may carry bodies: a WebSocket upgrade (a GET) must find its request unread.
    // One route for all methods, so that no method-specific catch-all turns unknown paths into 405s.
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.route().handler(ctx -> {
      HttpMethod m = ctx.request().method();
      if (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS) {
        ctx.next();
      } else {
        bodies.handle(ctx);
      }
    });
    router.route().failureHandler(Errors::handle);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, Errors::handle);
    }
  }

  public void route(HttpMethod method, String path, Handler<RoutingContext> handler) {
    router.route(method, path).handler(ctx -> {
      ctx.put(ROUTE_KEY, path);
      handler.handle(ctx);
    });
  }

  public Router router() {
    return router;
  }

  /** Answers requests the HTTP parser rejected (a broken URI, say) with a JSON 400. */
  public static void invalidRequest(HttpServerRequest request) {
    request.response()
        .setStatusCode(400)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end("{\"message\":\"malformed HTTP request\"}");
  }

  private void timed(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ended -> {
      String route = ctx.get(ROUTE_KEY);
      Timer.builder("http.server.requests")
          .tag("method", ctx.request().method().name())
          .tag("route", route == null ? "unmatched" : route)
          .tag("status", Integer.toString(ctx.response().getStatusCode()))
          .register(registry)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }
}
