package dev.sessiond.server.ws;

import dev.sessiond.core.Session;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.wire.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.Consumer;

/**
 * One open WebSocket of one session. Closing always says why first, in a
 * {@code system/disconnect} frame, then sends the close frame with its code. Safe to call
 * from any thread: everything written runs on the socket's own event loop, in the order asked
 * (frames go straight to the socket's Netty pipeline, below Vert.x, which then needs no write
 * queue of its own: see {@link UpgradeTrim}).
 */
final class Connection {

  private static final String HEARTBEAT_TIMEOUT = "heartbeat timeout";
  private final ServerWebSocket ws;
  /** The context of the socket's {@link FrameGuard}: frames written here pass the WebSocket encoders only. */
  private final ChannelHandlerContext out;
  private final FrameGuard guard;
  /** The session's IDs only: the session itself (its times, its profile) is the store's, and read when needed. */
  private final String sessionId;
  private final String userId;
  private final Consumer<Connection> onClosed;
  private final boolean ownFeed;
  private volatile long lastHeard = System.nanoTime();
  private volatile boolean closing;
  private long windowStart = System.nanoTime();
  private int windowCount;

  /**
   * {@code onClosed} runs once the server closes this socket or the peer does (possibly twice:
   * it must be idempotent). {@code ownFeed}: the client asked for its own user's session feed.
   */
  Connection(ServerWebSocket ws, ChannelHandlerContext out, Session session, Consumer<Connection> onClosed, boolean ownFeed) {
    this.ws = ws;
    this.out = out;
    this.guard = (FrameGuard) out.handler();
    this.sessionId = session.id();
    this.userId = session.userId();
    this.onClosed = onClosed;
    this.ownFeed = ownFeed;
    guard.connection(this);
  }

  String sessionId() {
    return sessionId;
  }

  String userId() {
    return userId;
  }

  boolean ownFeed() {
    return ownFeed;
  }

  /** The event loop the socket lives on. */
  EventExecutor loop() {
    return out.executor();
  }

  void heard() {
    lastHeard = System.nanoTime();
  }

  /** The peer closed (or the socket failed): Vert.x's close handler. */
  void peerClosed() {
    onClosed.accept(this);
  }

  /** Counts one client message; false once more than {@code perSecond} arrived in the current second. */
  boolean withinRate(int perSecond) {
    long now = System.nanoTime();
    if (now - windowStart > 1_000_000_000L) {
      windowStart = now;
      windowCount = 0;
    }
    return ++windowCount <= perSecond;
  }

  void send(String event, Object payload) {
    sendRaw(Json.encode(new Frames.Frame(event, payload)));
  }

  void sendRaw(Buffer frame) {
    send(shared(frame));
  }

  /** Sends a text frame of {@link #shared} bytes (one copy for every socket it goes to). */
  void send(ByteBuf text) {
    if (!closing) {
      out.executor().execute(() -> {
        if (open()) {
          out.writeAndFlush(new TextWebSocketFrame(text.duplicate()), out.voidPromise());
        }
      });
    }
  }

  /** A frame's bytes, to be sent to any number of sockets. */
  static ByteBuf shared(Buffer frame) {
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(frame.getBytes()));
  }

  /**
   * On the socket's event loop, one heartbeat: closes the socket with 4000-something when the
   * peer was silent past {@code timeoutNanos}; otherwise writes {@code frames} (already encoded:
   * a ping and neko's heartbeat event) without flushing. True when something was written, and
   * the caller flushes (so that a loop's sockets are written in one pass, then flushed).
   */
  boolean beat(long now, long timeoutNanos, ByteBuf frames) {
    if (!open()) {
      return false;
    }
    if (now - lastHeard > timeoutNanos) {
      closeOnLoop(CloseCodes.HEARTBEAT_TIMEOUT, disconnectFrame(HEARTBEAT_TIMEOUT), HEARTBEAT_TIMEOUT);
      return false;
    }
    out.write(frames.duplicate(), out.voidPromise());
    return true;
  }

  void flush() {
    out.flush();
  }

  /** Says why in a {@code system/disconnect} frame (encoded once per message, for every socket), then closes with {@code code}. */
  void close(short code, String message) {
    if (closing) {
      return;
    }
    out.executor().execute(() -> closeOnLoop(code, message));
  }

  /** The few close messages there are (CloseCodes' and the frame rules'), each encoded once. */
  private static final java.util.concurrent.ConcurrentHashMap<String, ByteBuf> DISCONNECT_FRAMES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static ByteBuf disconnectFrame(String message) {
    return DISCONNECT_FRAMES.computeIfAbsent(message,
        m -> shared(Json.encode(new Frames.Frame("system/disconnect", new Frames.Disconnect(m)))));
  }

  /** {@link #close} from the socket's event loop. */
  void closeOnLoop(short code, String message) {
    closeOnLoop(code, disconnectFrame(message), message);
  }

  private void closeOnLoop(short code, ByteBuf disconnect, String message) {
    if (closing) {
      return;
    }
    if (open()) {
      out.write(new TextWebSocketFrame(disconnect.duplicate()), out.voidPromise());
    }
    closing = true;
    ws.close(code, message);
    // Do not wait for the peer's close frame (a dead peer never sends one) to count it gone.
    onClosed.accept(this);
  }

  /** On the loop: nothing closed the socket yet (no close frame went out, from here, Vert.x or the guard). */
  private boolean open() {
    return !closing && !guard.closeSent() && !ws.isClosed();
  }
}
