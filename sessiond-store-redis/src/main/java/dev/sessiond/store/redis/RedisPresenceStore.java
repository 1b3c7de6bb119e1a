package dev.sessiond.store.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sessiond.core.SessionEvent.ConnectionsChanged;
import dev.sessiond.core.store.PresenceStore;
import io.lettuce.core.Range;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Each node's live connections in Redis. Keys:
 *
 * <pre>
 * {sd}:nodes          ZSET  node -&gt; ms until which its entries count    ZADD at each put and refresh;
 *                                                                     ZRANGEBYSCORE (now +inf to read;
 *                                                                     ZREMRANGEBYSCORE -inf now to forget the dead
 * sd:conn:&lt;node&gt;      HASH  sessionId -&gt; the node's state (JSON)       HSET / HDEL; PEXPIRE ttl at each put and refresh
 * </pre>
 *
 * A node that dies stops counting when its score passes (by the reader's clock); its hash then
 * expires by itself. Reading is one ZRANGEBYSCORE and one HGETALL per live node. Thread-safe.
 */
public final class RedisPresenceStore implements PresenceStore {

  static final String NODES = "{sd}:nodes";
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final RedisConnection redis;
  private final Clock clock;

  public RedisPresenceStore(RedisConnection redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  static String key(String node) {
    return "sd:conn:" + node;
  }

  @Override
  public CompletionStage<Void> put(ConnectionsChanged state, Duration ttl) {
    if (!state.connected() && state.connections() == 0) {
      return remove(state.node(), state.sessionId()).thenCompose(v -> refresh(state.node(), ttl));
    }
    String json = Codec.json(encode(state));
    return redis.run("share connection counts", c -> c.hset(key(state.node()), state.sessionId(), json))
        .thenCompose(v -> refresh(state.node(), ttl));
  }

  @Override
  public CompletionStage<Void> remove(String node, String sessionId) {
    return redis.run("share connection counts", c -> c.hdel(key(node), sessionId)).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> refresh(String node, Duration ttl) {
    long now = clock.millis();
    return redis.run("share connection counts", c -> CompletableFuture.allOf(
        c.zadd(NODES, (double) (now + ttl.toMillis()), node).toCompletableFuture(),
        c.pexpire(key(node), ttl.toMillis()).toCompletableFuture(),
        c.zremrangebyscore(NODES, Range.create(Double.NEGATIVE_INFINITY, (double) now)).toCompletableFuture()));
  }

  @Override
  public CompletionStage<List<ConnectionsChanged>> live() {
    Range<Double> alive = Range.from(Range.Boundary.excluding((double) clock.millis()), Range.Boundary.unbounded());
    return redis.run("read connection counts", c -> c.zrangebyscore(NODES, alive)).thenCompose(nodes ->
        redis.run("read connection counts", c -> {
          List<CompletableFuture<Map<String, String>>> hashes = nodes.stream()
              .map(n -> c.hgetall(key(n)).toCompletableFuture()).toList();
          return CompletableFuture.allOf(hashes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ConnectionsChanged> out = new ArrayList<>();
            for (CompletableFuture<Map<String, String>> h : hashes) {
              for (String json : h.join().values()) {
                out.add(decode(json));
              }
            }
            return out;
          });
        }));
  }

  private static Map<String, Object> encode(ConnectionsChanged s) {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put("id", s.sessionId());
    m.put("uid", s.userId());
    m.put("node", s.node());
    m.put("count", s.connections());
    m.put("connected", s.connected());
    m.put("since", s.connectedSince() == null ? null : s.connectedSince().toEpochMilli());
    m.put("until", s.notConnectedSince() == null ? null : s.notConnectedSince().toEpochMilli());
    return m;
  }

  private static ConnectionsChanged decode(String json) {
    try {
      Map<String, Object> m = Codec.JSON.readValue(json, MAP);
      return new ConnectionsChanged((String) m.get("id"), (String) m.get("uid"), (String) m.get("node"),
          ((Number) m.get("count")).intValue(), (Boolean) m.get("connected"), instant(m.get("since")),
          instant(m.get("until")));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a stored connection state is not valid JSON", e);
    }
  }

  private static java.time.Instant instant(Object millis) {
    return millis == null ? null : java.time.Instant.ofEpochMilli(((Number) millis).longValue());
  }
}
