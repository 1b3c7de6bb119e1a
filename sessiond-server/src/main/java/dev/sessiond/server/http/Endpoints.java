package dev.sessiond.server.http;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
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

  public Handler<RoutingContext> admin(int status, Call call) {
    return ctx -> reply(ctx, status, attempt(() -> auth.admin(ctx.request())).thenCompose(c -> call.apply(ctx, c)));
  }

  public CompletionStage<Caller> adminOf(HttpServerRequest request) {
    return attempt(() -> auth.admin(request));
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
    Context context = ctx.vertx().getOrCreateContext();
    future.whenComplete((value, error) -> context.runOnContext(v -> then.accept(value, error)));
  }

  private static void reply(RoutingContext ctx, int status, CompletionStage<?> stage) {
    onLoop(ctx, stage, (value, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
      } else if (!ctx.response().ended()) {
        if (status == 204 || value == null) {
          ctx.response().setStatusCode(status).end();
        } else {
          ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.encode(value));
        }
      }
    });
  }
}
