package dev.sessiond.server.ws;

import dev.sessiond.core.Session;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.wire.Frames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * One open WebSocket of one session. Closing always says why first, in a
 * {@code system/disconnect} frame, then sends the close frame with its code. Safe to call
 * from any thread; Vert.x moves writes to the socket's event loop.
 */
final class Connection {

  private final ServerWebSocket ws;
  private final Session session;
  private final java.util.function.Consumer<Connection> onClosed;
  private final boolean ownFeed;
  private volatile long lastHeard = System.nanoTime();
  private volatile boolean closing;
  private long windowStart = System.nanoTime();
  private int windowCount;

  /**
   * {@code onClosed} runs once the server closes this socket or the peer does (possibly twice:
   * it must be idempotent). {@code ownFeed}: the client asked for its own user's session feed.
   */
  Connection(ServerWebSocket ws, Session session, java.util.function.Consumer<Connection> onClosed, boolean ownFeed) {
    this.ws = ws;
    this.session = session;
    this.onClosed = onClosed;
    this.ownFeed = ownFeed;
    ws.closeHandler(v -> onClosed.accept(this));
  }

  Session session() {
    return session;
  }

  boolean ownFeed() {
    return ownFeed;
  }

  long lastHeard() {
    return lastHeard;
  }

  void heard() {
    lastHeard = System.nanoTime();
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
    if (!closing && !ws.isClosed()) {
      ws.writeTextMessage(frame.toString());
    }
  }

  /** A protocol ping (its pong proves the peer alive) and neko's heartbeat event (which page code sees). */
  void heartbeat() {
    if (!closing && !ws.isClosed()) {
      ws.writePing(Buffer.buffer());
      ws.writeTextMessage(Frames.HEARTBEAT);
    }
  }

  void close(short code, String message) {
    if (closing) {
      return;
    }
    if (!ws.isClosed()) {
      ws.writeTextMessage(Json.encode(new Frames.Frame("system/disconnect", new Frames.Disconnect(message))).toString());
    }
    closing = true;
    ws.close(code, message);
    // Do not wait for the peer's close frame (a dead peer never sends one) to count it gone.
    onClosed.accept(this);
  }
}
