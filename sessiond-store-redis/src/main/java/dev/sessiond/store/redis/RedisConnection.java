package dev.sessiond.store.redis;

import dev.sessiond.core.SessiondException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One Lettuce connection to a standalone Redis or a Redis Cluster, with what sessiond needs of
 * it: commands that fail fast while Redis is away (never queued), reconnection in the
 * background, and failures turned into {@code StoreUnavailable}.
 */
public final class RedisConnection implements AutoCloseable {

  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private final AutoCloseable client;
  private final AutoCloseable connection;
  private final RedisClusterAsyncCommands<String, String> commands;
  private final java.util.function.Supplier<StatefulRedisPubSubConnection<String, String>> pubSub;

  private RedisConnection(AutoCloseable client, AutoCloseable connection,
      RedisClusterAsyncCommands<String, String> commands,
      java.util.function.Supplier<StatefulRedisPubSubConnection<String, String>> pubSub) {
    this.client = client;
    this.connection = connection;
    this.commands = commands;
    this.pubSub = pubSub;
  }

  /** {@code redis://[:password@]host:port[/db]} or {@code rediss://...}. */
  public static RedisConnection standalone(String uri) {
    RedisClient client = RedisClient.create(RedisURI.create(uri));
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .build());
    try {
      StatefulRedisConnection<String, String> c = client.connect();
      return new RedisConnection(client::shutdown, c::close, c.async(), client::connectPubSub);
    } catch (RuntimeException e) {
      client.shutdown();
      throw new IllegalStateException("cannot connect to Redis at " + RedisURI.create(uri).toString() + ": " + e.getMessage(), e);
    }
  }

  /** One or more seed nodes of a Redis Cluster. */
  public static RedisConnection cluster(List<String> seeds) {
    RedisClusterClient client = RedisClusterClient.create(seeds.stream().map(RedisURI::create).toList());
    client.setOptions(ClusterClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .build())
        .build());
    try {
      StatefulRedisClusterConnection<String, String> c = client.connect();
      return new RedisConnection(client::shutdown, c::close, c.async(), client::connectPubSub);
    } catch (RuntimeException e) {
      client.shutdown();
      throw new IllegalStateException("cannot connect to Redis Cluster at " + seeds + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code call} on the commands; any failure becomes StoreUnavailable naming {@code what}. */
  <T> CompletableFuture<T> run(String what, Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> call) {
    CompletableFuture<T> out = new CompletableFuture<>();
    CompletionStage<T> stage;
    try {
      stage = call.apply(commands);
    } catch (RuntimeException e) {
      out.completeExceptionally(unavailable(what, e));
      return out;
    }
    stage.whenComplete((v, e) -> {
      if (e == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(unavailable(what, e));
      }
    });
    return out;
  }

  StatefulRedisPubSubConnection<String, String> pubSub() {
    return pubSub.get();
  }

  static RuntimeException unavailable(String what, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof SessiondException se) {
      return se;
    }
    return new SessiondException.StoreUnavailable("Redis is unavailable (" + what + ")", cause);
  }

  @Override
  public void close() {
    try {
      connection.close();
      client.close();
    } catch (Exception e) {
      // shutting down
    }
  }
}
