package dev.sessiond.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Answers 200 with a JSON array fetched and written a page at a time, so the memory of an
 * answer does not grow with its length. Each page is one JSON array written by Jackson; pages
 * are stitched by dropping their brackets. A failure before the first byte is an ordinary
 * error answer; after it, the connection is reset so that no client takes a cut array as whole.
 */
public final class JsonArrayStream {

  /** The page that follows {@code sent} items, the last of which was {@code last} (null at first). */
  @FunctionalInterface
  public interface Pages<T> {
    CompletionStage<List<T>> after(long sent, T last);
  }

  private JsonArrayStream() {}

  /** Streams pages until one is shorter than {@code pageSize}. */
  public static <T> void send(RoutingContext ctx, int pageSize, Pages<T> pages) {
    HttpServerResponse response = ctx.response()
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "application/json");
    next(ctx, response, pageSize, pages, 0, null);
  }

  private static <T> void next(RoutingContext ctx, HttpServerResponse response, int pageSize, Pages<T> pages,
      long sent, T last) {
    Endpoints.onLoop(ctx, Endpoints.attempt(() -> pages.after(sent, last)), (page, error) -> {
      if (response.closed()) {
        return;
      }
      if (error != null) {
        if (response.headWritten()) {
          response.reset();
        } else {
          Errors.send(ctx, error);
        }
        return;
      }
      Buffer array = Json.encode(page);
      Buffer chunk = Buffer.buffer(array.length() + 1);
      if (sent == 0) {
        chunk.appendString("[");
      } else if (!page.isEmpty()) {
        chunk.appendString(",");
      }
      if (!page.isEmpty()) {
        chunk.appendBuffer(array, 1, array.length() - 2);
      }
      if (page.size() < pageSize) {
        response.end(chunk.appendString("]"));
        return;
      }
      long total = sent + page.size();
      T tail = page.get(page.size() - 1);
      response.write(chunk).onComplete(ignored -> next(ctx, response, pageSize, pages, total, tail));
    });
  }
}
