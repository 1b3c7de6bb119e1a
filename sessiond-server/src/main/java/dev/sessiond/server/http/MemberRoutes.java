package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.MemberService;
import dev.sessiond.core.Profile;
import dev.sessiond.core.SessiondException;
import dev.sessiond.server.wire.ProfileBody;
import dev.sessiond.server.wire.Requests;
import dev.sessiond.server.wire.Responses.MemberData;

/** neko's members API: who may log in, with what profile. Admin only. */
public final class MemberRoutes {

  private final MemberService members;

  public MemberRoutes(MemberService members) {
    this.members = members;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(GET, "/api/members", e.admin(200, (ctx, caller) -> {
      int limit = intParam(ctx.request().getParam("limit"), Paging.MAX_LIMIT, 1, Paging.MAX_LIMIT, "limit");
      int offset = intParam(ctx.request().getParam("offset"), 0, 0, Integer.MAX_VALUE, "offset");
      return members.list(offset, limit).thenApply(list -> list.stream().map(MemberData::of).toList());
    }));
    api.route(POST, "/api/members", e.admin(200, (ctx, caller) -> {
      Requests.CreateMember body = Json.body(ctx, Requests.CreateMember.class);
      Profile base = Profile.member(body.username() == null ? "" : body.username());
      return members.create(body.username(), body.password(), ProfileBody.over(body.profile(), base))
          .thenApply(MemberData::of);
    }));
    api.route(GET, "/api/members/:id", e.admin(200, (ctx, caller) ->
        members.get(ctx.pathParam("id")).thenApply(MemberData::of)));
    api.route(POST, "/api/members/:id", e.admin(204, (ctx, caller) -> {
      ProfileBody body = Json.body(ctx, ProfileBody.class);
      String id = ctx.pathParam("id");
      return members.get(id).thenCompose(m -> members.updateProfile(id, body.over(m.profile())));
    }));
    api.route(DELETE, "/api/members/:id", e.admin(204, (ctx, caller) -> members.delete(ctx.pathParam("id"))));
    api.route(POST, "/api/members/:id/password", e.admin(204, (ctx, caller) ->
        members.setPassword(ctx.pathParam("id"), Json.body(ctx, Requests.Password.class).password())));
  }

  private static int intParam(String value, int fallback, int min, int max, String name) {
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new SessiondException.Invalid(name + " must be a whole number from " + min + " to " + max);
  }
}
