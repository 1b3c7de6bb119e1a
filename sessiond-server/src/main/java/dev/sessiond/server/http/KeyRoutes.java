package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.keys.ApiKeys;
import dev.sessiond.core.keys.Scope;
import dev.sessiond.server.wire.Requests;
import dev.sessiond.server.wire.Responses.KeyData;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code /api/keys} (admin): make a scoped API key (its secret shown once, in the answer that
 * made it), list them (never the secret), delete one (refused from the next request on, on every
 * node; its event streams close).
 */
public final class KeyRoutes {

  private final ApiKeys keys;

  public KeyRoutes(ApiKeys keys) {
    this.keys = keys;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(POST, "/api/keys", e.admin(201, (ctx, caller) -> {
      Requests.CreateKey body = Json.body(ctx, Requests.CreateKey.class);
      return keys.create(body.name(), scopes(body), caller.actor()).thenApply(issued -> KeyData.of(issued.key(), issued.secret()));
    }));
    api.route(GET, "/api/keys", e.admin(200, (ctx, caller) ->
        keys.list().thenApply(all -> all.stream().map(k -> KeyData.of(k, null)).toList())));
    api.route(DELETE, "/api/keys/:id", e.admin(204, (ctx, caller) -> keys.delete(ctx.pathParam("id"), caller.actor())));
  }

  private static Set<Scope> scopes(Requests.CreateKey body) {
    if (body.scopes() == null || body.scopes().isEmpty()) {
      throw new SessiondException.Invalid("scopes must name at least one of verify, sessions, admin");
    }
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (String name : body.scopes()) {
      Scope s = Scope.ofWire(name);
      if (s == null) {
        throw new SessiondException.Invalid("unknown scope '" + name + "': scopes are verify, sessions, admin");
      }
      out.add(s);
    }
    return out;
  }
}
