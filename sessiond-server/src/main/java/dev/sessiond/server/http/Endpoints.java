package dev.sessiond.server.http;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Turns an asynchronous call into a route handler: authenticate, run, answer with the result
 * as JSON (or 204 with no body), or hand the failure to {@link Errors}. Completions that
 * arrive on another thread are moved back to the request's event loop before answering.
 */
public final class Endpoints {

  /** A call made on behalf of an authenticated caller. */
  @FunctionalInterface
  public interface Call {
    CompletionStage<?> apply(RoutingContext ctx, Caller caller);
  }

  /** A call on behalf of an authenticated caller that needs only the request: a {@link HttpApi#routeGet direct route}. */
  @FunctionalInterface
  public interface RequestCall {
    CompletionStage<?> apply(HttpServerRequest request, Caller caller);
  }

  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final Auth auth;

  public Endpoints(Auth auth) {
    this.auth = auth;
  }

  public Handler<RoutingContext> open(int status, Function<RoutingContext, CompletionStage<?>> call) {
    return ctx -> reply(ctx, status, attempt(() -> call.apply(ctx)));
  }

  public Handler<RoutingContext> session(int status, Call call) {
    return ctx -> reply(ctx, status, attempt(() -> auth.caller(ctx.request())).thenCompose(c -> call.apply(ctx, c)));
  }

  /** As {@link #session}, for a {@link HttpApi#routeGet direct route}. */
  public Handler<HttpServerRequest> sessionRequest(int status, RequestCall call) {
    return request -> reply(request, status, attempt(() -> auth.caller(request)).thenCompose(c -> call.apply(request, c)));
  }

  public Handler<RoutingContext> admin(int status, Call call) {
    return ctx -> reply(ctx, status, attempt(() -> auth.admin(ctx.request())).thenCompose(c -> call.apply(ctx, c)));
  }

  public CompletionStage<Caller> adminOf(HttpServerRequest request) {
    return attempt(() -> auth.admin(request));
  }

  /** As {@link #admin}, for a caller that may act in {@code scope} (an API key holding it, or any admin). */
  public Handler<RoutingContext> scoped(dev.sessiond.core.keys.Scope scope, int status, Call call) {
    return ctx -> reply(ctx, status, attempt(() -> auth.scoped(ctx.request(), scope)).thenCompose(c -> call.apply(ctx, c)));
  }

  public CompletionStage<Caller> scopedOf(HttpServerRequest request, dev.sessiond.core.keys.Scope scope) {
    return attempt(() -> auth.scoped(request, scope));
  }

  public static <T> CompletionStage<T> attempt(java.util.function.Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs {@code then} on the request's event loop once {@code stage} completes. */
  public static <T> void onLoop(RoutingContext ctx, CompletionStage<T> stage, java.util.function.BiConsumer<T, Throwable> then) {
    onLoop(ctx.vertx().getOrCreateContext(), stage, then);
  }

  /** As {@link #onLoop(RoutingContext, CompletionStage, java.util.function.BiConsumer)}, on the given context. */
  private static <T> void onLoop(Context context, CompletionStage<T> stage, java.util.function.BiConsumer<T, Throwable> then) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    if (future.isDone() && Context.isOnEventLoopThread()) {
      T value = null;
      Throwable error = null;
      try {
        value = future.join();
      } catch (RuntimeException e) {
        error = e;
      }
      then.accept(value, error);
      return;
    }
    future.whenComplete((value, error) -> context.runOnContext(v -> then.accept(value, error)));
  }

  private static void reply(RoutingContext ctx, int status, CompletionStage<?> stage) {
    reply(ctx.vertx().getOrCreateContext(), ctx.request(), status, stage);
  }

  /** Called on the request's event loop (a request handler). */
  private static void reply(HttpServerRequest request, int status, CompletionStage<?> stage) {
    reply(Vertx.currentContext(), request, status, stage);
  }

  private static void reply(Context context, HttpServerRequest request, int status, CompletionStage<?> stage) {
    onLoop(context, stage, (value, error) -> {
      HttpServerResponse response = request.response();
      if (error != null) {
        Errors.send(request, error);
      } else if (!response.ended()) {
        if (status == 204 || value == null) {
          response.setStatusCode(status).end();
        } else {
          response.setStatusCode(status).putHeader(CONTENT_TYPE, JSON).end(Json.encode(value));
        }
      }
    });
  }
}
