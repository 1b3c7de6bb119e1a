package dev.sessiond.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * Marks a request line with an HTTP version other than 1.0 and 1.1 ({@code HTTP/9.9}, an HTTP/2
 * preface sent as HTTP/1) as a decoding failure, so that the server's invalid-request handler
 * answers it (a JSON 400 on an HTTP/1.1 status line, then close) where Vert.x would answer a
 * bare 501 that echoes the client's version. One per connection, in Netty's pipeline right
 * after the HTTP decoder.
 */
public final class VersionCheck extends ChannelInboundHandlerAdapter {

  /** The message of the failure, which {@link HttpApi#invalidRequest} passes on. */
  public static final String UNSUPPORTED = "unsupported HTTP version; this server speaks HTTP/1.1";

  private VersionCheck() {}

  /** Adds the check to a new HTTP/1 connection; a connection handler of the HTTP server. */
  public static void install(HttpConnection connection) {
    if (connection instanceof HttpServerConnection c && c.channelHandlerContext().pipeline().get("httpDecoder") != null) {
      c.channelHandlerContext().pipeline().addAfter("httpDecoder", "sessiond-version-check", new VersionCheck());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request
        && !HttpVersion.HTTP_1_1.equals(request.protocolVersion()) && !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
      // The answer's status line is the request's version: never echo one we do not speak.
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
      if (request.decoderResult().isSuccess()) {
        request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(UNSUPPORTED)));
      }
    }
    ctx.fireChannelRead(msg);
  }
}
