package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.GET;

import dev.sessiond.core.MemberService;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.server.wire.Responses.Stats;
import dev.sessiond.server.wire.Responses.Status;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Health, readiness, metrics and stats. */
public final class SystemRoutes {

  private static final Status OK = new Status("ok");
  private static final Status READY = new Status("ready");

  private final SessionService sessions;
  private final MemberService members;
  private final PrometheusMeterRegistry registry;
  private final boolean metricsPublic;
  private final Instant startedAt;
  private final LongSupplier connected;
  private final LongSupplier connectedAdmins;
  private final java.util.function.Supplier<CompletionStage<Void>> ping;

  public SystemRoutes(SessionService sessions, MemberService members, PrometheusMeterRegistry registry,
      boolean metricsPublic, Instant startedAt, LongSupplier connected, LongSupplier connectedAdmins,
      java.util.function.Supplier<CompletionStage<Void>> ping) {
    this.sessions = sessions;
    this.members = members;
    this.registry = registry;
    this.metricsPublic = metricsPublic;
    this.startedAt = startedAt;
    this.connected = connected;
    this.connectedAdmins = connectedAdmins;
    this.ping = ping;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(GET, "/health", e.open(200, ctx -> CompletableFuture.completedFuture(OK)));
    api.route(GET, "/ready", e.open(200, ctx -> ping.get().toCompletableFuture()
        .orTimeout(2, TimeUnit.SECONDS)
        .handle((ok, error) -> {
          if (error != null) {
            throw new SessiondException.StoreUnavailable("store unavailable", Errors.unwrap(error));
          }
          return READY;
        })));
    api.route(GET, "/metrics", metricsPublic
        ? this::metrics
        : e.admin(200, (ctx, caller) -> {
          metrics(ctx);
          return CompletableFuture.completedFuture(null);
        }));
    api.route(GET, "/api/stats", e.admin(200, (ctx, caller) -> sessions.counts().thenCombine(members.count(),
        (counts, memberCount) -> new Stats(false, startedAt, connected.getAsLong(), connectedAdmins.getAsLong(),
            counts.sessions(), counts.users(), memberCount, connected.getAsLong()))));
  }

  private void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape());
  }
}
