package dev.sessiond.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Answers 200 with a JSON array fetched and written a page at a time, so the memory of an
 * answer does not grow with its length. One Jackson generator writes the whole array; each page
 * it writes goes out as one chunk, and the next page is fetched only once that chunk has been
 * written (back-pressure). A million short strings thus allocate little more than their bytes.
 * A failure before the first byte is an ordinary error answer; after it, the connection is reset
 * so that no client takes a cut array as whole.
 */
public final class JsonArrayStream {

  /** The page that follows {@code sent} items, the last of which was {@code last} (null at first). */
  @FunctionalInterface
  public interface Pages<T> {
    CompletionStage<List<T>> after(long sent, T last);
  }

  // Flushing after each value would cut a page into one small write per item.
  private static final ObjectWriter WRITER = Json.MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

  private JsonArrayStream() {}

  /** Streams pages until one is shorter than {@code pageSize}. */
  public static <T> void send(RoutingContext ctx, int pageSize, Pages<T> pages) {
    HttpServerResponse response = ctx.response()
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "application/json");
    new Stream<>(ctx, response, pageSize, pages).next(0, null);
  }

  private static final class Stream<T> {
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final int pageSize;
    private final Pages<T> pages;
    private final Chunk chunk = new Chunk();
    private JsonGenerator json;

    Stream(RoutingContext ctx, HttpServerResponse response, int pageSize, Pages<T> pages) {
      this.ctx = ctx;
      this.response = response;
      this.pageSize = pageSize;
      this.pages = pages;
    }

    void next(long sent, T last) {
      Endpoints.onLoop(ctx, Endpoints.attempt(() -> pages.after(sent, last)), (page, error) -> {
        if (response.closed()) {
          close();
          return;
        }
        if (error != null) {
          close();
          if (response.headWritten()) {
            response.reset();
          } else {
            Errors.send(ctx, error);
          }
          return;
        }
        boolean end = page.size() < pageSize;
        Buffer out = Buffer.buffer(Math.max(256, page.size() * 16));
        try {
          write(out, page, sent == 0, end);
        } catch (IOException | RuntimeException e) {
          close();
          if (response.headWritten()) {
            response.reset();
          } else {
            Errors.send(ctx, e);
          }
          return;
        }
        if (end) {
          response.end(out);
          return;
        }
        long total = sent + page.size();
        T tail = page.get(page.size() - 1);
        response.write(out).onComplete(ignored -> next(total, tail));
      });
    }

    private void write(Buffer out, List<T> page, boolean first, boolean end) throws IOException {
      chunk.target = out;
      if (first) {
        json = Json.MAPPER.getFactory().createGenerator(chunk);
        json.writeStartArray();
      }
      for (T item : page) {
        if (item instanceof String s) {
          json.writeString(s);   // the common case (IDs), without a serializer lookup per item
        } else {
          WRITER.writeValue(json, item);
        }
      }
      if (end) {
        json.writeEndArray();
        json.close();
        json = null;
      } else {
        json.flush();
      }
      chunk.target = null;
    }

    private void close() {
      if (json != null) {
        chunk.target = Buffer.buffer();   // whatever close writes goes nowhere
        try {
          json.close();
        } catch (IOException | RuntimeException ignored) {
          // the answer is abandoned; nothing to keep
        }
        json = null;
      }
    }
  }

  /** The buffer of the chunk being written, as the stream the generator writes to. */
  private static final class Chunk extends OutputStream {
    Buffer target;

    @Override
    public void write(int b) {
      target().appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      target().appendBytes(b, off, len);
    }

    private Buffer target() {
      if (target == null) {
        throw new UncheckedIOException(new IOException("no chunk is being written"));
      }
      return target;
    }
  }
}
