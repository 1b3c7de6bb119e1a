package dev.sessiond.server.http;

import dev.sessiond.core.Session;
import dev.sessiond.core.keys.Scope;
import dev.sessiond.server.wire.Responses;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.MemberService;
import dev.sessiond.core.Profile;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.UserIds;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.server.wire.Requests;
import dev.sessiond.server.wire.SessionData;
import java.time.Duration;
import java.util.List;

/**
 * neko's session management (admin), creation and ending by a trusted backend (the static token,
 * or a key with the {@code sessions} scope: its own users' sessions, never a member's), and the
 * use reports of verifiers that serve sessions from a cache (a key with the {@code verify} scope).
 */
public final class SessionRoutes {

  private final SessionService sessions;
  private final MemberService members;
  private final SessionViews views;
  private final ClientAddress clients;

  /** Most session IDs in one use report. */
  public static final int MAX_REPORTED = 1000;

  public SessionRoutes(SessionService sessions, MemberService members, SessionViews views, ClientAddress clients) {
    this.sessions = sessions;
    this.members = members;
    this.views = views;
    this.clients = clients;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(POST, "/api/sessions", e.scoped(Scope.SESSIONS, 201, (ctx, caller) -> {
      Requests.CreateSession body = Json.body(ctx, Requests.CreateSession.class);
      UserIds.require(body.userId());
      Profile requested = body.profile() == null ? null : body.profile().over(Profile.member(body.userId()));
      Duration ttl = body.ttl() == null ? null : Duration.ofSeconds(body.ttl());
      String ip = clients.of(ctx);
      String ua = CurrentSessionRoutes.truncate(ctx.request().getHeader("User-Agent"));
      return members.profileForSession(body.userId(), requested, caller.isAdmin()).thenCompose(profile ->
          sessions.create(new SessionService.NewSession(body.userId(), profile, ttl, ip, ua), caller.actor()))
          .thenCompose(issued -> views.ready(List.of(issued.session()))
              .thenApply(ready -> views.of(issued.session()).withToken(issued.token())));
    }));

    api.route(GET, "/api/sessions", e.admin(200, (ctx, caller) -> {
      Paging paging = Paging.of(ctx);
      String userId = ctx.request().getParam("user_id");
      if (userId != null) {
        UserIds.require(userId);
      }
      return sessions.list(userId, paging.after(), paging.limit() + 1).thenCompose(page -> views.ready(page).thenApply(ready -> {
        List<SessionData> out = page.stream().limit(paging.limit()).map(views::of).toList();
        if (page.size() > paging.limit()) {
          paging.linkNext(ctx, out.get(out.size() - 1).id(),
              userId == null ? null : "&user_id=" + Paging.encode(userId));
        }
        return out;
      }));
    }));

    api.route(GET, "/api/sessions/:id", e.admin(200, (ctx, caller) ->
        sessions.get(ctx.pathParam("id")).thenCompose(s -> views.ready(List.of(s)).thenApply(ready -> views.of(s)))));

    api.route(DELETE, "/api/sessions/:id", e.scoped(Scope.SESSIONS, 204, (ctx, caller) -> {
      String id = ctx.pathParam("id");
      if (!caller.isApiToken() && caller.session().id().equals(id)) {
        throw new SessiondException.Invalid("this is your own session: use POST /api/logout");
      }
      if (caller.isAdmin()) {
        return sessions.revoke(id, caller.actor(), Reasons.DELETED);
      }
      // A key without the admin right ends its backend's users' sessions; a member's is none of
      // its business, and answers as a missing one does.
      return sessions.find(id).thenCompose(found -> found.isEmpty() ? CompletableFuture.failedFuture(notFound())
          : members.findById(found.get().userId()).thenCompose(member -> member.isPresent()
              ? CompletableFuture.failedFuture(notFound())
              : sessions.revoke(id, caller.actor(), Reasons.DELETED)));
    }));

    // Uses served from a verifier's cache, reported in batches: each session slides exactly as a
    // whoami would have slid it; the answer names those still alive with their idle deadline.
    api.route(POST, "/api/sessions/used", e.scoped(Scope.VERIFY, 200, (ctx, caller) -> {
      Requests.UseReport body = Json.body(ctx, Requests.UseReport.class);
      if (body.ids() == null || body.ids().size() > MAX_REPORTED) {
        throw new SessiondException.Invalid("ids must be a list of at most " + MAX_REPORTED + " session IDs");
      }
      List<CompletableFuture<Optional<Session>>> used = body.ids().stream().distinct()
          .map(id -> id == null ? CompletableFuture.completedFuture(Optional.<Session>empty())
              : sessions.use(id).toCompletableFuture())
          .toList();
      return CompletableFuture.allOf(used.toArray(CompletableFuture[]::new)).thenApply(v -> used.stream()
          .map(CompletableFuture::join).flatMap(Optional::stream)
          .map(s -> new Responses.Used(s.id(), s.expiresAt())).toList());
    }));

    api.route(POST, "/api/sessions/:id/disconnect", e.admin(204, (ctx, caller) ->
        sessions.disconnect(ctx.pathParam("id"), caller.actor())));
  }

  private static SessiondException.NotFound notFound() {
    return new SessiondException.NotFound("session not found");
  }
}
