package dev.sessiond.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a WebSocket as RFC 6455 says, with a close frame carrying the reason's code, where
 * Vert.x would drop the TCP connection or let the frame through. Sits in the socket's Netty
 * pipeline after the frame decoders (and the permessage-deflate inflater), before Vert.x:
 * <ul>
 *   <li>a frame the decoder refused (unmasked, reserved opcode, oversized control frame,
 *       fragmented control frame, continuation without a start, bad close payload, invalid
 *       UTF-8): the decoder's own status, 1002 or 1007;</li>
 *   <li>RSV bits no negotiated extension consumed: 1002;</li>
 *   <li>a close frame with a code a peer may not send (1005, 1006, 5000, 65535...): 1002,
 *       instead of echoing it;</li>
 *   <li>a message over the limit, counted over its fragments after inflation: 1009;</li>
 *   <li>data that does not inflate: 1007.</li>
 * </ul>
 * After failing, every further frame is dropped. One close frame at most leaves: once one was
 * written (by Vert.x or here), a later one is dropped and a later failure only closes the TCP
 * connection. Not shared: one per socket. {@link #install}
 * puts it, with Netty's UTF-8 validator that Vert.x leaves out, into an upgraded socket's pipeline.
 */
final class FrameGuard extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(FrameGuard.class);

  private final int maxMessageBytes;
  private final String sessionId;
  private long messageBytes;
  private boolean failed;
  private boolean closeSent;
  private static final long LINGER_SECONDS = 2;
  private Connection connection;

  FrameGuard(int maxMessageBytes, String sessionId) {
    this.maxMessageBytes = maxMessageBytes;
    this.sessionId = sessionId;
  }

  /** The socket's connection, once accepted: a pong is handled here (it only proves the peer alive). */
  void connection(Connection c) {
    this.connection = c;
  }

  /** On the event loop: a close frame went out (from Vert.x or from here); nothing may follow it. */
  boolean closeSent() {
    return closeSent;
  }

  /** Returns the guard's context, where frames can be written below Vert.x. */
  static ChannelHandlerContext install(io.netty.channel.ChannelPipeline pipeline, int maxMessageBytes, String sessionId) {
    pipeline.addBefore("handler", "sessiond-utf8", new io.netty.handler.codec.http.websocketx.Utf8FrameValidator(false));
    pipeline.addBefore("handler", "sessiond-frame-guard", new FrameGuard(maxMessageBytes, sessionId));
    return pipeline.context("sessiond-frame-guard");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof WebSocketFrame frame) {
      WebSocketCloseStatus refusal = refusal(frame);
      if (refusal != null) {
        ReferenceCountUtil.release(msg);
        fail(ctx, refusal, reasonOf(refusal));
        return;
      }
      if (frame instanceof PongWebSocketFrame && frame.isFinalFragment() && connection != null) {
        // The answer to the heartbeat's ping: nothing for Vert.x to do but call us back.
        connection.heard();
        frame.release();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private WebSocketCloseStatus refusal(WebSocketFrame frame) {
    if (frame.rsv() != 0) {
      return WebSocketCloseStatus.PROTOCOL_ERROR;
    }
    if (frame instanceof CloseWebSocketFrame close) {
      int code = close.statusCode();
      // Netty lets codes over 4999 pass; RFC 6455 defines none there.
      return code == -1 || (code <= 4999 && WebSocketCloseStatus.isValidStatusCode(code)) ? null : WebSocketCloseStatus.PROTOCOL_ERROR;
    }
    boolean data = !(frame instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame
        || frame instanceof io.netty.handler.codec.http.websocketx.PongWebSocketFrame);
    if (data) {
      messageBytes = (frame instanceof ContinuationWebSocketFrame ? messageBytes : 0) + frame.content().readableBytes();
      if (messageBytes > maxMessageBytes) {
        return WebSocketCloseStatus.MESSAGE_TOO_BIG;
      }
      if (frame.isFinalFragment()) {
        messageBytes = 0;
      }
    }
    return null;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    WebSocketCloseStatus status;
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      status = corrupted.closeStatus();
    } else if (cause instanceof TooLongFrameException) {
      status = WebSocketCloseStatus.MESSAGE_TOO_BIG;
    } else if (cause instanceof CodecException) {
      status = WebSocketCloseStatus.INVALID_PAYLOAD_DATA;
    } else {
      ctx.fireExceptionCaught(cause);
      return;
    }
    if (!failed) {
      fail(ctx, status, reasonOf(status));
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof CloseWebSocketFrame) {
      if (closeSent) {
        ReferenceCountUtil.release(msg);
        promise.trySuccess();
        return;
      }
      closeSent = true;
    }
    ctx.write(msg, promise);
  }

  private void fail(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
    failed = true;
    LOG.debug("WebSocket of session {} failed with {}: {}", sessionId, status.code(), reason);
    if (closeSent) {
      // The close frame already written may still wait for Vert.x's flush: flush it before closing.
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> endAfterClose(ctx));
      return;
    }
    closeSent = true;
    // Written and closed from here, below Vert.x's handler, which would add a close frame of its own (1000).
    ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(f -> endAfterClose(ctx));
  }

  /**
   * Ends the TCP connection after a failure's close frame: first our side only (the peer reads the
   * end of the stream at once), while what the peer is still sending (the rest of an oversized
   * frame, say) is read and dropped; the connection closes when the peer closes its side, or after
   * {@link #LINGER_SECONDS}. Closing at once with unread bytes would make the kernel reset the
   * connection, and a reset can cost the peer the close frame and fail its pending write.
   */
  private static void endAfterClose(ChannelHandlerContext ctx) {
    if (ctx.channel() instanceof SocketChannel socket && socket.isActive()) {
      socket.shutdownOutput().addListener(f -> ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS));
    } else {
      ctx.close();
    }
  }

  private String reasonOf(WebSocketCloseStatus status) {
    return switch (status.code()) {
      case 1009 -> "message larger than " + maxMessageBytes / 1024 + " KiB";
      case 1007 -> "invalid payload data";
      default -> "protocol error";
    };
  }
}
