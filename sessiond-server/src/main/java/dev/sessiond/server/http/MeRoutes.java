package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.LoginService;
import dev.sessiond.core.Session;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.server.wire.Requests;
import dev.sessiond.server.wire.Responses.DeletedCount;
import dev.sessiond.server.wire.SessionData;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Your devices": a session lists and ends the sessions of its own user, and a member changes
 * its own password. Any session may call these (a member's or a trusted backend's user's); the
 * API token has no user. A session of another user is answered exactly like one that does not
 * exist. Sessions ended here close their sockets with 4010.
 */
public final class MeRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(MeRoutes.class);

  private final SessionService sessions;
  private final LoginService login;
  private final SessionViews views;
  private final CurrentSessionRoutes current;
  private final ClientAddress clients;

  public MeRoutes(SessionService sessions, LoginService login, SessionViews views, CurrentSessionRoutes current,
      ClientAddress clients) {
    this.sessions = sessions;
    this.login = login;
    this.views = views;
    this.current = current;
    this.clients = clients;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(GET, "/api/me/sessions", e.session(200, (ctx, caller) -> {
      Session me = self(ctx, caller);
      Paging paging = Paging.of(ctx);
      return sessions.list(me.userId(), paging.after(), paging.limit() + 1).thenCompose(page -> views.ready(page).thenApply(ready -> {
        List<SessionData> out = page.stream().limit(paging.limit())
            .map(s -> views.of(s).withCurrent(s.id().equals(me.id()))).toList();
        if (page.size() > paging.limit()) {
          paging.linkNext(ctx, out.get(out.size() - 1).id(), null);
        }
        return out;
      }));
    }));

    api.route(POST, "/api/me/sessions/revoke-others", e.session(200, (ctx, caller) -> {
      Session me = self(ctx, caller);
      return sessions.revokeOthers(me.userId(), me.id(), caller.actor(), Reasons.SIGNED_OUT_ELSEWHERE).thenApply(n -> {
        LOG.info("session={} of user={} signed out its {} other session(s)", me.id(), me.userId(), n);
        return new DeletedCount(n);
      });
    }));

    api.route(DELETE, "/api/me/sessions/:id", e.session(204, (ctx, caller) -> {
      Session me = self(ctx, caller);
      String id = ctx.pathParam("id");
      if (id.equals(me.id())) {
        return current.logout(ctx, caller);
      }
      return sessions.revokeOwn(me.userId(), id, caller.actor(), Reasons.SIGNED_OUT_ELSEWHERE)
          .thenRun(() -> LOG.info("session={} of user={} signed out session={}", me.id(), me.userId(), id));
    }));

    api.route(POST, "/api/me/password", e.session(204, (ctx, caller) -> {
      Session me = self(ctx, caller);
      Requests.ChangePassword body = Json.body(ctx, Requests.ChangePassword.class);
      String ip = clients.of(ctx);
      return login.changePassword(me, body.currentPassword(), body.newPassword(), ip).whenComplete((n, error) -> {
        if (error != null) {
          LOG.info("password change refused user={} session={} ip={}: {}", me.userId(), me.id(), ip,
              Errors.unwrap(error).getMessage());
        } else {
          LOG.info("password changed user={} session={} ip={}; {} other session(s) ended", me.userId(), me.id(), ip, n);
        }
      }).thenApply(n -> null);
    }));
  }

  private static Session self(RoutingContext ctx, Caller caller) {
    CurrentSessionRoutes.requireSession(caller);
    Auth.refuseCrossOriginCookie(caller, ctx.request());
    return caller.session();
  }
}
