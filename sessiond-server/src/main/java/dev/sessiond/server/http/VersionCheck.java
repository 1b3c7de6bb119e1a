package dev.sessiond.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * Decides, below the router, what a request line's HTTP version earns. One per connection, in
 * Netty's pipeline right after the HTTP decoder (Vert.x's, which reads the version with Netty's
 * lenient {@code HttpVersion.valueOf}: the name in any case, each number as decimal digits):
 * <ul>
 *   <li>exactly {@code HTTP/1.1} or {@code HTTP/1.0}: served (the decoder hands out its two
 *       constants for these spellings only);
 *   <li>a token the decoder reads as 1.1 or 1.0 but spelt otherwise ({@code http/1.1},
 *       {@code Http/1.0}, {@code HTTP/01.1}): 501 with an empty body, then close. RFC 9112's
 *       HTTP-name is case-sensitive, so this is not the version we speak, yet it is well-formed
 *       to the parser; 501 is what Vert.x itself answers such a line, kept on purpose here
 *       rather than left to a path of Vert.x's that a WebSocket handler on the server would skip;
 *   <li>any other version the decoder reads ({@code HTTP/1.2}, {@code HTTP/2.0},
 *       {@code HTTX/1.1}) or refuses ({@code HTTP/1}, {@code HTTP/1.1x}, none, garbage, one with
 *       a space inside): the server's invalid-request handler's JSON 400 with {@link #UNSUPPORTED},
 *       then close. A line that ends in a space or a tab (so also {@code "GET /x "}, an empty
 *       version) is refused by the parser before it reads a version: the same 400, saying
 *       "malformed HTTP request".
 * </ul>
 * Every answer to a request the decoder or this check refused is on an {@code HTTP/1.1} status
 * line: the version we speak, never an echo of the client's, nor the {@code HTTP/1.0} that Netty
 * puts on a request line it could not read.
 */
public final class VersionCheck extends ChannelInboundHandlerAdapter {

  /** The message of the failure, which {@link HttpApi#invalidRequest} passes on. */
  public static final String UNSUPPORTED = "unsupported HTTP version; this server speaks HTTP/1.1";

  /** Set once a request of this connection is refused: what the decoder reads after it is dropped. */
  private boolean refused;

  private VersionCheck() {}

  /** Adds the check to a new HTTP/1 connection; a connection handler of the HTTP server. */
  public static void install(HttpConnection connection) {
    if (connection instanceof HttpServerConnection c && c.channelHandlerContext().pipeline().get("httpDecoder") != null) {
      c.channelHandlerContext().pipeline().addAfter("httpDecoder", "sessiond-version-check", new VersionCheck());
    }
  }

  /** The server's invalid-request handler: answers a misspelt HTTP/1.x itself, hands anything else to {@code otherwise}. */
  public static Handler<HttpServerRequest> invalidRequestHandler(Handler<HttpServerRequest> otherwise) {
    return request -> {
      if (request.decoderResult().cause() instanceof Misspelt) {
        request.response().setStatusCode(501).putHeader("Connection", "close").end();
      } else {
        otherwise.handle(request);
      }
    };
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      // The refusal's answer says Connection: close; a request pipelined behind it is not served.
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      HttpVersion version = request.protocolVersion();
      if (!request.decoderResult().isSuccess()) {
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (isVersionRefusal(request.decoderResult().cause())) {
          request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(UNSUPPORTED, request.decoderResult().cause())));
        }
        refused = true;
      } else if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        boolean ours = version.equals(HttpVersion.HTTP_1_1) || version.equals(HttpVersion.HTTP_1_0);
        request.setDecoderResult(DecoderResult.failure(ours ? new Misspelt() : new IllegalArgumentException(UNSUPPORTED)));
        refused = true;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Whether the decoder refused the line for its version: the exception comes from Netty's
   * {@code HttpVersion}, whatever it says ("invalid version format", "text is empty", "Invalid
   * version number"). A line refused for something else (a space or a control character at its
   * end, a bad method) stays "malformed HTTP request". BadBytesIT pins both answers.
   */
  private static boolean isVersionRefusal(Throwable cause) {
    StackTraceElement[] where = cause == null ? new StackTraceElement[0] : cause.getStackTrace();
    return cause instanceof IllegalArgumentException && where.length > 0 && where[0].getClassName().equals(HttpVersion.class.getName());
  }

  /** A version the decoder reads as HTTP/1.0 or HTTP/1.1, spelt otherwise. */
  private static final class Misspelt extends IllegalArgumentException {
    Misspelt() {
      super("an HTTP/1.x version spelt other than HTTP/1.0 or HTTP/1.1");
    }
  }
}
