package dev.sessiond.server.ws;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.impl.websocket.WebSocketConnectionImpl;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of what Vert.x 5.1 keeps for every upgraded WebSocket and sessiond does not need;
 * this is most of a socket's heap (found with class histograms and a heap dump, see
 * docs/benchmarks.md). Each step is reflection on a Vert.x internal: if a Vert.x upgrade
 * renames what it touches, that step logs once and is skipped (and the heap-per-socket
 * benchmark shows it).
 * <ul>
 *   <li>The socket's Netty handler ({@code VertxHandler}) holds the factory that built its
 *       connection for the socket's life, and that factory's lambda holds the upgrade's whole
 *       HTTP side: the HTTP/1 connection with its 4 KB write queue, the request with its body,
 *       the response and vertx-web's routing context (about 7 KB). The factory runs once, when
 *       the handler is added: dropped.</li>
 *   <li>The WebSocket connection's write queue (a JCTools queue whose first 1024-slot chunk
 *       is 4 KB, and 0.5 KB of padding) lets threads other than the socket's event loop write.
 *       sessiond writes a socket's frames from its event loop only ({@link Connection}), so it
 *       is swapped for the direct queue Vert.x itself uses for an HTTP connection in strict
 *       thread mode. Vert.x's own writes (close frame, pong) come from the event loop too.</li>
 *   <li>The socket keeps the upgrade request's headers (cookie included): dropped.</li>
 *   <li>{@link dev.sessiond.server.http.VersionCheck} is an HTTP decoder's neighbour: removed.</li>
 * </ul>
 * Call on the socket's event loop, right after the upgrade, before anything is written to it.
 */
final class UpgradeTrim {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeTrim.class);
  private static final Field FACTORY = field(VertxHandler.class, "connectionFactory");
  private static final Field QUEUE = field(VertxConnection.class, "outboundMessageQueue");
  private static final Constructor<?> DIRECT_QUEUE = directQueue();
  private static final Field HEADERS = field(io.vertx.core.http.impl.websocket.WebSocketImplBase.class, "headers");

  private UpgradeTrim() {}

  static void release(ChannelPipeline pipeline) {
    ChannelHandler handler = pipeline.get("handler");
    if (pipeline.get("sessiond-version-check") != null) {
      pipeline.remove("sessiond-version-check");
    }
    if (!(handler instanceof VertxHandler<?> vertx) || !(vertx.getConnection() instanceof WebSocketConnectionImpl conn)) {
      return;
    }
    try {
      if (FACTORY != null) {
        FACTORY.set(handler, null);
      }
      if (QUEUE != null && DIRECT_QUEUE != null) {
        QUEUE.set(conn, DIRECT_QUEUE.newInstance(conn));
      }
      if (HEADERS != null && conn.webSocket() != null) {
        HEADERS.set(conn.webSocket(), null);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("could not trim an upgraded WebSocket: {}", e.toString());
    }
  }

  private static Field field(Class<?> type, String name) {
    try {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("Vert.x has no {}.{}: WebSockets keep more heap ({})", type.getName(), name, e.toString());
      return null;
    }
  }

  private static Constructor<?> directQueue() {
    try {
      Constructor<?> c = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue")
          .getDeclaredConstructor(VertxConnection.class);
      c.setAccessible(true);
      return c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("Vert.x has no direct write queue: WebSockets keep their 4 KB write queue ({})", e.toString());
      return null;
    }
  }
}
