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
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Lettuce connection to a standalone Redis, a Sentinel-managed master or a Redis Cluster,
 * with what sessiond needs of it: commands that fail fast while Redis is away (never queued),
 * reconnection in the background, and failures (a refused connection, a timeout, a READONLY
 * reply from a demoted master) turned into {@code StoreUnavailable}.
 *
 * <p>With a {@code redis-sentinel://} URI, Lettuce asks the Sentinels for the master's address
 * on every (re)connection, so every connection made here (commands, writes, pub/sub, blocking
 * reads) follows a failover by itself: Sentinel closes the clients of a reconfigured instance,
 * and the reconnection, retried at most {@link #MAX_RECONNECT_DELAY} apart, lands on the new
 * master.
 */
public final class RedisConnection implements AutoCloseable {

  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** The longest pause between reconnection attempts: bounds how long a failover is seen after it ends. */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);
  /** How long a WAIT may take; below the command timeout, so that WAIT's own answer is what decides. */
  static final Duration WAIT_TIMEOUT = Duration.ofMillis(1500);

  private final AutoCloseable client;
  private final AutoCloseable connection;
  private final RedisClusterAsyncCommands<String, String> commands;
  private final java.util.function.Supplier<StatefulRedisPubSubConnection<String, String>> pubSub;
  private final java.util.function.Supplier<RedisConnection> another;
  private final boolean cluster;

  private RedisConnection(AutoCloseable client, AutoCloseable connection,
      RedisClusterAsyncCommands<String, String> commands,
      java.util.function.Supplier<StatefulRedisPubSubConnection<String, String>> pubSub,
      java.util.function.Supplier<RedisConnection> another, boolean cluster) {
    this.client = client;
    this.connection = connection;
    this.commands = commands;
    this.pubSub = pubSub;
    this.another = another;
    this.cluster = cluster;
  }

  private static ClientResources resources() {
    return DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /**
   * {@code redis://[:password@]host:port[/db]}, {@code rediss://...}, or a Sentinel-managed
   * master: {@code redis-sentinel://[:password@]host1:port1[,host2:port2...][/db]#masterName}
   * (the password is the master's; Sentinels are reached without one).
   */
  public static RedisConnection standalone(String uri) {
    RedisURI redisUri = RedisURI.create(uri);
    ClientResources resources = resources();
    RedisClient client = RedisClient.create(resources, redisUri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .build());
    AutoCloseable shutdown = () -> {
      client.shutdown();
      resources.shutdown();
    };
    try {
      return open(client, shutdown);
    } catch (RuntimeException e) {
      client.shutdown();
      resources.shutdown();
      throw new IllegalStateException("cannot connect to Redis at " + redisUri + ": " + e.getMessage(), e);
    }
  }

  private static RedisConnection open(RedisClient client, AutoCloseable shutdown) {
    StatefulRedisConnection<String, String> c = client.connect();
    return new RedisConnection(shutdown, c::close, c.async(), client::connectPubSub,
        () -> open(client, () -> {}), false);
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
      return new RedisConnection(client::shutdown, c::close, c.async(), client::connectPubSub, () -> {
        StatefulRedisClusterConnection<String, String> more = client.connect();
        return new RedisConnection(() -> {}, more::close, more.async(), client::connectPubSub, null, true);
      }, true);
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

  /**
   * A second connection to the same Redis through the same client (closing it leaves this one
   * open): for commands that must not wait behind, or hold up, this one's.
   */
  public RedisConnection another() {
    return another.get();
  }

  /** Whether this is a Redis Cluster connection (where one WAIT cannot speak for every shard). */
  public boolean isCluster() {
    return cluster;
  }

  /**
   * Redis WAIT on this connection: completes once {@code replicas} replicas hold every write
   * this connection made so far, else fails with StoreUnavailable after {@link #WAIT_TIMEOUT}.
   */
  public CompletableFuture<Void> awaitReplicas(String what, int replicas) {
    return run(what, c -> c.waitForReplication(replicas, WAIT_TIMEOUT.toMillis())).thenApply(acked -> {
      if (acked < replicas) {
        throw new SessiondException.StoreUnavailable("Redis replicated " + what + " to " + acked + " of the "
            + replicas + " replicas required within " + WAIT_TIMEOUT.toMillis() + " ms", null);
      }
      return null;
    });
  }

  /**
   * Completes when Redis answers as a master that takes writes: a replica (a master demoted by
   * a failover, not yet left) fails it. On a cluster, a PING of one node.
   */
  public CompletableFuture<Void> ping() {
    if (cluster) {
      return run("ping", c -> c.ping()).thenApply(pong -> null);
    }
    return run("ping", c -> c.role()).thenApply(role -> {
      if (role.isEmpty() || !"master".equals(String.valueOf(role.get(0)))) {
        throw new SessiondException.StoreUnavailable("Redis answers as " + (role.isEmpty() ? "nothing" : role.get(0))
            + ", not as the master", null);
      }
      return null;
    });
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
