package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.Member;
import dev.sessiond.core.MemberService;
import dev.sessiond.core.Profile;
import dev.sessiond.core.SessiondException;
import dev.sessiond.server.wire.ProfileBody;
import dev.sessiond.server.wire.Requests;
import dev.sessiond.server.wire.Responses.MemberData;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * neko's members API: who may log in, with what profile. Admin only. As in neko, the list
 * without a limit (or with limit 0) is every member, streamed; a member is also addressed by
 * the ID of one of its live sessions, as neko's panel does from a session row.
 */
public final class MemberRoutes {

  private static final int PAGE = 1000;
  private final MemberService members;

  public MemberRoutes(MemberService members) {
    this.members = members;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(GET, "/api/members", ctx -> Endpoints.onLoop(ctx, e.adminOf(ctx.request()), (caller, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      long wanted;
      long offset;
      try {
        int limit = intParam(ctx.request().getParam("limit"), "limit");
        wanted = limit == 0 ? Long.MAX_VALUE : limit;
        offset = intParam(ctx.request().getParam("offset"), "offset");
      } catch (SessiondException.Invalid invalid) {
        Errors.send(ctx, invalid);
        return;
      }
      JsonArrayStream.<MemberData>send(ctx, PAGE, (sent, last) -> sent >= wanted
          ? CompletableFuture.completedFuture(List.of())
          : members.list((int) Math.min(Integer.MAX_VALUE, offset + sent), (int) Math.min(PAGE, wanted - sent))
              .thenApply(page -> page.stream().map(MemberData::of).toList()));
    }));
    api.route(POST, "/api/members", e.admin(200, (ctx, caller) -> {
      Requests.CreateMember body = Json.body(ctx, Requests.CreateMember.class);
      Profile base = Profile.member(body.username() == null ? "" : body.username());
      return members.create(body.username(), body.password(), ProfileBody.over(body.profile(), base), caller.actor())
          .thenApply(MemberData::of);
    }));
    // neko answers the bare MemberProfile here, and its panel reads the flags at the top level.
    api.route(GET, "/api/members/:id", e.admin(200, (ctx, caller) ->
        members.getByIdOrSession(ctx.pathParam("id")).thenApply(Member::profile)));
    // neko's document updates a profile at /api/members/{id}; some panels post to .../profile.
    for (String path : List.of("/api/members/:id", "/api/members/:id/profile")) {
      api.route(POST, path, e.admin(204, (ctx, caller) -> {
        ProfileBody body = Json.body(ctx, ProfileBody.class);
        return members.getByIdOrSession(ctx.pathParam("id"))
            .thenCompose(m -> members.updateProfile(m.id(), body.over(m.profile()), caller.actor()));
      }));
    }
    api.route(DELETE, "/api/members/:id", e.admin(204, (ctx, caller) ->
        members.getByIdOrSession(ctx.pathParam("id")).thenCompose(m -> members.delete(m.id(), caller.actor()))));
    api.route(POST, "/api/members/:id/password", e.admin(204, (ctx, caller) -> {
      String password = Json.body(ctx, Requests.Password.class).password();
      return members.getByIdOrSession(ctx.pathParam("id")).thenCompose(m -> members.setPassword(m.id(), password, caller.actor()));
    }));
  }

  /** A whole number of 0 or more; absent is 0 (for limit: no limit, as in neko). */
  private static int intParam(String value, String name) {
    if (value == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new SessiondException.Invalid(name + " must be a whole number of 0 or more");
  }
}
