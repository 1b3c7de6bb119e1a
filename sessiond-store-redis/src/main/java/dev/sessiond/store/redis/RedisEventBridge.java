package dev.sessiond.store.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sessiond.core.SessionEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the changes of live connection counts between the nodes that share a Redis: each
 * local {@code ConnectionsChanged} is published on the channel {@code sd:events}
 * ({@code PUBLISH sd:events <json>}); those of other nodes are handed to the remote listeners
 * (the live connections), never back to the channel. Delivery is Redis pub/sub: at most once,
 * to the nodes connected at that moment; counts are also kept in the presence store, which a
 * node re-reads on every heartbeat. Session changes do not travel here: every node reads them
 * from the event log ({@code {sd}:log}), which misses nothing across a lost link.
 */
public final class RedisEventBridge implements Consumer<SessionEvent>, AutoCloseable {

  static final String CHANNEL = "sd:events";
  private static final Logger LOG = LoggerFactory.getLogger(RedisEventBridge.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final RedisConnection redis;
  private final String node;
  private final List<Consumer<SessionEvent>> remoteListeners = new CopyOnWriteArrayList<>();
  private final StatefulRedisPubSubConnection<String, String> subscription;

  public RedisEventBridge(RedisConnection redis, String node) {
    this.redis = redis;
    this.node = node;
    this.subscription = redis.pubSub();
    subscription.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        receive(message);
      }
    });
    subscription.sync().subscribe(CHANNEL);
  }

  /** Listeners for events that happened on other nodes. */
  public void onRemote(Consumer<SessionEvent> listener) {
    remoteListeners.add(listener);
  }

  @Override
  public void accept(SessionEvent event) {
    if (!(event instanceof SessionEvent.ConnectionsChanged)) {
      return;
    }
    Map<String, Object> m = encode(event);
    m.put("node", node);
    redis.run("publish an event", c -> c.publish(CHANNEL, Codec.json(m))).exceptionally(e -> {
      LOG.warn("could not tell other nodes about {}: {}", event.getClass().getSimpleName(), e.getMessage());
      return null;
    });
  }

  private void receive(String message) {
    try {
      Map<String, Object> m = Codec.JSON.readValue(message, MAP);
      if (node.equals(m.get("node"))) {
        return;
      }
      SessionEvent event = decode(m);
      for (Consumer<SessionEvent> l : remoteListeners) {
        l.accept(event);
      }
    } catch (Exception e) {
      LOG.warn("ignored an event from another node: {}", e.toString());
    }
  }

  static Map<String, Object> encode(SessionEvent event) {
    Map<String, Object> m = new HashMap<>();
    if (event instanceof SessionEvent.ConnectionsChanged s) {
      m.put("type", "connections");
      m.put("id", s.sessionId());
      m.put("uid", s.userId());
      m.put("from", s.node());
      m.put("count", s.connections());
      m.put("connected", s.connected());
      m.put("since", s.connectedSince() == null ? null : s.connectedSince().toEpochMilli());
      m.put("until", s.notConnectedSince() == null ? null : s.notConnectedSince().toEpochMilli());
    }
    return m;
  }

  static SessionEvent decode(Map<String, Object> m) {
    String type = (String) m.get("type");
    return switch (type) {
      case "connections" -> new SessionEvent.ConnectionsChanged((String) m.get("id"), (String) m.get("uid"),
          (String) m.get("from"), ((Number) m.get("count")).intValue(), (Boolean) m.get("connected"),
          instant(m.get("since")), instant(m.get("until")));
      default -> throw new IllegalArgumentException("unknown event type " + type);
    };
  }

  private static Instant instant(Object millis) {
    return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
  }

  @Override
  public void close() {
    subscription.close();
  }
}
