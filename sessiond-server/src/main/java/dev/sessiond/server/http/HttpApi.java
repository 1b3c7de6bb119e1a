package dev.sessiond.server.http;

import dev.sessiond.core.SessiondException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
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
  private final java.util.Map<String, Direct> direct = new java.util.HashMap<>();
  private final java.util.List<String> filtered = new java.util.ArrayList<>();

  public HttpApi(Vertx vertx, MeterRegistry registry) {
    this.registry = registry;
    this.router = Router.router(vertx);
    router.route().handler(this::timed);
    // Only the methods our routes take bodies with: a WebSocket upgrade (a GET) must find its request unread.
    // One route for all methods, so that no method-specific catch-all turns unknown paths into 405s.
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.route().handler(ctx -> {
      HttpMethod m = ctx.request().method();
      if (m != HttpMethod.POST && m != HttpMethod.PUT && m != HttpMethod.PATCH && m != HttpMethod.DELETE) {
        // No route takes a body with another method (and Vert.x refuses to decode a form under one).
        ctx.next();
      } else {
        bodies.handle(ctx);
        // A body the decoders refuse (a broken chunk, a bad form escape) or a client gone mid-body is
        // the client's mistake: 400, never the 500 BodyHandler makes of anything but a DecoderException.
        ctx.request().exceptionHandler(e -> {
          if (!ctx.failed() && !ctx.response().closed() && !ctx.response().ended()) {
            ctx.fail(new SessiondException.Invalid("malformed request body"));
          }
        });
      }
    });
    router.route().failureHandler(Errors::handle);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, Errors::handle);
    }
  }

  public void route(HttpMethod method, String path, Handler<RoutingContext> handler) {
    RouteTimers timers = new RouteTimers(method.name(), path);
    router.route(method, path).handler(ctx -> {
      ctx.put(ROUTE_KEY, timers);
      handler.handle(ctx);
    });
  }

  /**
   * A GET route that needs only the request (the verify route, on every request of every app).
   * Besides the router, the {@link #requestHandler} answers it straight from the server's request
   * handler, without a routing context, route matching or end-handler lists, unless a {@link #filter}
   * covers its path (CORS): then it is routed like any other. Timed the same way either way.
   */
  public void routeGet(String path, Handler<HttpServerRequest> handler) {
    route(HttpMethod.GET, path, ctx -> handler.handle(ctx.request()));
    direct.put(path, new Direct(new RouteTimers(HttpMethod.GET.name(), path), handler));
  }

  private record Direct(RouteTimers timers, Handler<HttpServerRequest> handler) {}

  /** What the HTTP server hands every request to: the {@link #routeGet direct routes} by exact path, else the router. */
  public Handler<HttpServerRequest> requestHandler() {
    java.util.Map<String, Direct> unfiltered = new java.util.HashMap<>(direct);
    unfiltered.keySet().removeIf(path -> filtered.stream()
        .anyMatch(f -> f.equals(path) || f.endsWith("*") && path.startsWith(f.substring(0, f.length() - 1))));
    if (unfiltered.isEmpty()) {
      return router;
    }
    return request -> {
      Direct d = request.method() == HttpMethod.GET ? unfiltered.get(request.path()) : null;
      if (d == null) {
        router.handle(request);
        return;
      }
      long start = System.nanoTime();
      d.handler.handle(request);
      HttpServerResponse response = request.response();
      if (response.ended()) {
        // Answered within the handler (a verify whose session was in memory): timed here, without an end handler.
        d.timers.of(response.getStatusCode()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      } else {
        // Answered later, on this event loop (Endpoints moves completions back to it), so never before this runs.
        response.endHandler(ended -> d.timers.of(response.getStatusCode()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
      }
    };
  }

  /** A route answering every method (forward auth: proxies call it with the method of the request they guard). */
  public void routeAnyMethod(String path, Handler<RoutingContext> handler) {
    RouteTimers timers = new RouteTimers("ANY", path);
    router.route(path).handler(ctx -> {
      ctx.put(ROUTE_KEY, timers);
      handler.handle(ctx);
    });
  }

  /** The timers of one route, by status, made once: nothing is looked up by name per request. */
  private final class RouteTimers {
    private final String method;
    private final String route;
    private final java.util.concurrent.ConcurrentHashMap<Integer, Timer> byStatus = new java.util.concurrent.ConcurrentHashMap<>();

    RouteTimers(String method, String route) {
      this.method = method;
      this.route = route;
    }

    Timer of(int status) {
      Timer t = byStatus.get(status);
      if (t == null) {
        t = byStatus.computeIfAbsent(status, s -> Timer.builder("http.server.requests")
            .tag("method", method).tag("route", route).tag("status", Integer.toString(s)).register(registry));
      }
      return t;
    }
  }

  /** Runs {@code handler} before the routes of {@code path}; mount it before them. */
  public void filter(String path, Handler<RoutingContext> handler) {
    filtered.add(path);
    router.route(path).handler(handler);
  }

  public Router router() {
    return router;
  }

  /** Answers requests the HTTP parser rejected (a broken URI, an unknown version) with a JSON 400, then closes. */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String message = cause != null && VersionCheck.UNSUPPORTED.equals(cause.getMessage())
        ? VersionCheck.UNSUPPORTED : "malformed HTTP request";
    request.response()
        .setStatusCode(400)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(Json.encode(new dev.sessiond.server.wire.Responses.ErrorMessage(message)));
  }

  /** Any token is a method to the parser: label only the standard ones, so that clients cannot grow the metrics. */
  private static String knownMethod(HttpMethod method) {
    return HttpMethod.values().contains(method) ? method.name() : "OTHER";
  }

  private void timed(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ended -> {
      RouteTimers timers = ctx.get(ROUTE_KEY);
      Timer timer = timers != null ? timers.of(ctx.response().getStatusCode())
          : Timer.builder("http.server.requests").tag("method", knownMethod(ctx.request().method()))
              .tag("route", "unmatched").tag("status", Integer.toString(ctx.response().getStatusCode()))
              .register(registry);
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }
}
