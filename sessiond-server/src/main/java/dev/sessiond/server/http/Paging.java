package dev.sessiond.server.http;

import dev.sessiond.core.SessiondException;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Keyset paging parameters ({@code ?limit=&after=}) and the {@code Link: rel="next"} header. */
public record Paging(int limit, String after) {

  public static final int MAX_LIMIT = 1000;

  public static Paging of(RoutingContext ctx) {
    String limitParam = ctx.request().getParam("limit");
    int limit = MAX_LIMIT;
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new SessiondException.Invalid("limit must be a whole number from 1 to " + MAX_LIMIT);
      }
    }
    String after = ctx.request().getParam("after");
    if (after != null && (after.isEmpty() || after.length() > 128)) {
      throw new SessiondException.Invalid("after must be an ID from a previous page");
    }
    return new Paging(limit, after);
  }

  /** Sets the next-page link to start after {@code lastId}, keeping {@code extra} query parameters. */
  public void linkNext(RoutingContext ctx, String lastId, String extra) {
    String url = ctx.request().path() + "?limit=" + limit + "&after=" + encode(lastId) + (extra == null ? "" : extra);
    ctx.response().putHeader("Link", "<" + url + ">; rel=\"next\"");
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
