package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.SessionService;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.server.wire.Responses.DeletedCount;

/**
 * The admin-dashboard seed API: who has a session, interrupt one user, interrupt everyone.
 * The user list is streamed a page at a time, so its memory does not grow with the count.
 */
public final class SeedRoutes {

  private static final int PAGE = 1000;
  private final SessionService sessions;

  public SeedRoutes(SessionService sessions) {
    this.sessions = sessions;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(GET, "/sessions", ctx -> Endpoints.onLoop(ctx, e.adminOf(ctx.request()), (caller, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      JsonArrayStream.<String>send(ctx, PAGE, (sent, last) -> sessions.users(last, PAGE));
    }));
    api.route(DELETE, "/sessions/:uid", e.admin(200, (ctx, caller) ->
        sessions.revokeUser(ctx.pathParam("uid"), caller.actor(), Reasons.USER).thenApply(DeletedCount::new)));
    api.route(POST, "/sessions/clear", e.admin(200, (ctx, caller) ->
        sessions.revokeAll(caller.actor()).thenApply(DeletedCount::new)));
  }
}
