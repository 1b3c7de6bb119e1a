package dev.sessiond.server.http;

import dev.sessiond.core.SessiondException;
import dev.sessiond.server.wire.Responses.ErrorMessage;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: each SessiondException kind has its
 * status; anything else is a bug, answered 500 with an id under which the stack trace is logged.
 */
public final class Errors {

  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  /** Router failure and error handler. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null) {
      send(ctx, failure);
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String message = switch (status) {
      case 400 -> "bad request";
      case 401 -> "authentication required";
      case 403 -> "forbidden";
      case 404 -> "no such route: " + ctx.request().method() + " " + safePath(ctx);
      case 405 -> "method " + ctx.request().method() + " is not allowed on " + safePath(ctx);
      case 413 -> "request body is larger than " + HttpApi.MAX_BODY_BYTES / 1024 + " KiB";
      case 415 -> "unsupported media type";
      // Other 4xx the framework decides on (417 for an Expect it cannot meet, say): its reason phrase.
      default -> status >= 400 && status < 500
          ? io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(java.util.Locale.ROOT)
          : null;
    };
    if (message == null) {
      send(ctx, new IllegalStateException("HTTP " + status + " without a failure"));
      return;
    }
    write(ctx, status, message);
  }

  public static void send(RoutingContext ctx, Throwable failure) {
    send(ctx.request(), failure);
  }

  /** As {@link #send(RoutingContext, Throwable)}, for a request answered without the router. */
  public static void send(HttpServerRequest request, Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof SessiondException.RateLimited limited && !request.response().headWritten()) {
      request.response().putHeader("Retry-After", Long.toString(Math.max(1, limited.retryAfter().toSeconds())));
    }
    int status = statusOf(t);
    if (status == 500) {
      String id = dev.sessiond.core.Tokens.newId();
      LOG.error("internal error {} on {} {}", id, request.method(), safePath(request), t);
      write(request.response(), 500, "internal error, logged as " + id);
      return;
    }
    if (status == 503) {
      LOG.warn("store unavailable on {} {}: {}", request.method(), safePath(request), t.getMessage());
    }
    write(request.response(), status, t.getMessage());
  }

  public static int statusOf(Throwable t) {
    if (t instanceof SessiondException.Invalid) return 400;
    if (t instanceof SessiondException.Unauthorized) return 401;
    if (t instanceof SessiondException.Forbidden) return 403;
    if (t instanceof SessiondException.NotFound) return 404;
    if (t instanceof SessiondException.Conflict) return 409;
    if (t instanceof SessiondException.RateLimited) return 429;
    if (t instanceof SessiondException.StoreUnavailable) return 503;
    return 500;
  }

  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static void write(RoutingContext ctx, int status, String message) {
    write(ctx.response(), status, message);
  }

  private static void write(HttpServerResponse response, int status, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Json.encode(new ErrorMessage(message)));
  }

  /** The path for messages and logs, without the query (which may carry a token). */
  private static String safePath(RoutingContext ctx) {
    return safePath(ctx.request());
  }

  private static String safePath(HttpServerRequest request) {
    String path = request.path();
    if (path == null) {
      return "?";
    }
    return path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }
}
