package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.SessionEvent.Reason;
import dev.sessiond.core.SessionService;
import dev.sessiond.server.wire.Responses.DeletedCount;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

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
      HttpServerResponse response = ctx.response()
          .setStatusCode(200)
          .setChunked(true)
          .putHeader("Content-Type", "application/json");
      streamUsers(ctx, response, null, true);
    }));
    api.route(DELETE, "/sessions/:uid", e.admin(200, (ctx, caller) ->
        sessions.revokeUser(ctx.pathParam("uid"), Reason.USER_INTERRUPTED).thenApply(DeletedCount::new)));
    api.route(POST, "/sessions/clear", e.admin(200, (ctx, caller) ->
        sessions.revokeAll(Reason.CLEARED).thenApply(DeletedCount::new)));
  }

  private void streamUsers(RoutingContext ctx, HttpServerResponse response, String after, boolean first) {
    Endpoints.onLoop(ctx, sessions.users(after, PAGE), (page, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      if (response.closed()) {
        return;
      }
      // One JSON array per page, written by Jackson; pages are stitched by dropping their brackets.
      Buffer array = Json.encode(page);
      Buffer chunk = Buffer.buffer(array.length() + 1);
      if (first) {
        chunk.appendString("[");
      } else if (!page.isEmpty()) {
        chunk.appendString(",");
      }
      if (!page.isEmpty()) {
        chunk.appendBuffer(array, 1, array.length() - 2);
      }
      if (page.size() < PAGE) {
        response.end(chunk.appendString("]"));
        return;
      }
      String last = lastOf(page);
      response.write(chunk).onComplete(ignored -> streamUsers(ctx, response, last, false));
    });
  }

  private static String lastOf(List<String> page) {
    return page.get(page.size() - 1);
  }
}
