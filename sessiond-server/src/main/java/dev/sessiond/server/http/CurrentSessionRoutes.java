package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.LoginService;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.server.wire.Requests;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Login, logout and whoami: what a session does for itself. */
public final class CurrentSessionRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(CurrentSessionRoutes.class);

  private final LoginService login;
  private final SessionService sessions;
  private final SessionViews views;
  private final SessionCookie cookie;
  private final ClientAddress clients;

  public CurrentSessionRoutes(LoginService login, SessionService sessions, SessionViews views, SessionCookie cookie,
      ClientAddress clients) {
    this.login = login;
    this.sessions = sessions;
    this.views = views;
    this.cookie = cookie;
    this.clients = clients;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(POST, "/api/login", e.open(200, this::login));
    api.route(POST, "/api/logout", e.session(204, this::logout));
    api.routeGet("/api/whoami", e.sessionRequest(200, (request, caller) -> {
      requireSession(caller);
      Auth.refuseCrossOriginCookie(caller, request);
      return views.ready(caller.session()).thenApply(ready -> views.of(caller.session()));
    }));
  }

  /** Ends the caller's own session and clears its cookie. */
  CompletionStage<Void> logout(RoutingContext ctx, Caller caller) {
    requireSession(caller);
    return sessions.revoke(caller.session().id(), caller.actor(), Reasons.LOGOUT).thenRun(() -> {
      LOG.info("logout session={} user={}", caller.session().id(), caller.session().userId());
      ctx.response().addCookie(cookie.clear());
    });
  }

  private CompletionStage<?> login(RoutingContext ctx) {
    if (Auth.isCrossOrigin(ctx.request())) {
      throw new SessiondException.Forbidden("cross-origin request refused");
    }
    Requests.Login body = Json.body(ctx, Requests.Login.class);
    String ip = clients.of(ctx);
    String userAgent = truncate(ctx.request().getHeader("User-Agent"));
    return login.login(body.username(), body.password(), ip, userAgent)
        .whenComplete((issued, error) -> {
          if (error != null) {
            LOG.info("login refused username={} ip={}: {}", body.username(), ip, Errors.unwrap(error).getMessage());
          } else {
            LOG.info("login session={} user={} ip={}", issued.session().id(), issued.session().userId(), ip);
          }
        })
        .thenCompose(issued -> views.ready(List.of(issued.session())).thenApply(ready -> issued))
        .thenApply(issued -> {
          Duration life = Duration.between(Instant.now(), issued.session().deadline());
          ctx.response().addCookie(cookie.issue(issued.token(), life));
          return views.of(issued.session()).withToken(issued.token());
        });
  }

  public static void requireSession(Caller caller) {
    if (caller.isApiToken()) {
      throw new SessiondException.Forbidden(caller.key() != null ? "an API key has no session of its own"
          : "the API token has no session of its own");
    }
  }

  public static String truncate(String userAgent) {
    if (userAgent == null) {
      return "";
    }
    return userAgent.length() > 512 ? userAgent.substring(0, 512) : userAgent;
  }
}
