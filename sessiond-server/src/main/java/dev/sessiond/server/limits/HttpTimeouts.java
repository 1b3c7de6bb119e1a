package dev.sessiond.server.limits;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import java.time.Duration;

/**
 * Bounds how long an HTTP/1 connection may hold the server without a request to serve: a
 * request's head and body must have arrived within {@code read} of its first byte (of the
 * connection's start, for its first request), and a keep-alive connection with no request under
 * way closes after {@code idle}. While a request is being served (a long poll, a Server-Sent
 * Events stream, a WebSocket upgrade waiting for its authentication) neither runs, and an
 * upgraded WebSocket is no longer HTTP: its heartbeat drops it when it falls silent.
 *
 * <p>Vert.x's own idle timeout ({@code HttpServerOptions.setIdleTimeout}) is not used: it counts
 * any silence, so it would end long polls and quiet WebSockets too, and it does not tell a client
 * that sends half a request head, one line at a time, from one that is working.
 */
public final class HttpTimeouts {

  /** The name of the handler in each connection's pipeline. */
  static final String NAME = "sessiond-timeouts";

  private final long readNanos;
  private final long idleNanos;

  public HttpTimeouts(Duration read, Duration idle) {
    if (read.isNegative() || read.isZero() || idle.isNegative() || idle.isZero()) {
      throw new IllegalArgumentException("the HTTP read and idle timeouts must be longer than 0");
    }
    this.readNanos = read.toNanos();
    this.idleNanos = idle.toNanos();
  }

  /** Starts the clocks of a new HTTP/1 connection; a connection handler of the HTTP server. */
  public void install(HttpConnection connection) {
    if (connection instanceof HttpServerConnection c && c.channelHandlerContext().pipeline().get("httpDecoder") != null
        && c.channelHandlerContext().pipeline().get("httpEncoder") != null) {
      ChannelPipeline pipeline = c.channelHandlerContext().pipeline();
      ConnectionTimer timer = new ConnectionTimer(readNanos, idleNanos);
      pipeline.addBefore("httpDecoder", NAME + "-bytes", timer.bytesIn());
      // After the encoder: the timer sees decoded requests coming in and whole response objects going out.
      pipeline.addAfter("httpEncoder", NAME, timer);
    }
  }
}
