package dev.sessiond.server.ws;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of what Vert.x 5.1 keeps reachable from an upgraded WebSocket but never uses again.
 * The socket's Netty handler ({@code VertxHandler}) holds the factory that built its connection
 * for as long as the socket is open, and that factory's lambda holds the upgrade's whole HTTP
 * side: the HTTP/1 connection with its 4 KB write queue, the request, its headers and body, the
 * response, and vertx-web's routing context, about 7 KB per socket (found with a heap dump:
 * selector key, channel, pipeline, {@code VertxHandler.connectionFactory},
 * {@code ServerWebSocketHandshaker}'s lambda, {@code Http1ServerConnection}). The factory is
 * called once, when the handler is added, so dropping it after the upgrade changes nothing else.
 * Reflection on a Vert.x internal: if a Vert.x upgrade renames the field this logs once and
 * does nothing (the heap-per-socket benchmark then shows it).
 */
final class UpgradeTrim {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeTrim.class);
  private static final Field FACTORY = field("io.vertx.core.net.impl.VertxHandler", "connectionFactory");

  private UpgradeTrim() {}

  /** Drops the connection factory of the socket's Vert.x handler ("handler" in its pipeline). */
  static void release(ChannelPipeline pipeline) {
    ChannelHandler handler = pipeline.get("handler");
    if (FACTORY != null && handler != null && FACTORY.getDeclaringClass().isInstance(handler)) {
      try {
        FACTORY.set(handler, null);
      } catch (IllegalAccessException | RuntimeException e) {
        LOG.debug("could not drop the upgrade's connection factory: {}", e.toString());
      }
    }
  }

  private static Field field(String className, String name) {
    try {
      Field f = Class.forName(className).getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("Vert.x has no {}.{}: upgraded WebSockets keep their HTTP request reachable ({})", className, name, e.toString());
      return null;
    }
  }
}
