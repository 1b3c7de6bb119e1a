package dev.sessiond.server;

import dev.sessiond.core.SessionPolicy;
import java.nio.file.Path;
import java.time.Duration;

/** Everything {@code sessiond serve} is told, already parsed. */
public record Config(
    String host,
    int port,
    StoreKind store,
    Path dataDir,
    String adminUser,
    String adminPassword,
    String apiToken,
    SessionPolicy policy,
    boolean secureCookies,
    boolean metricsPublic,
    Duration wsHeartbeat,
    Duration wsReconnectGrace,
    String redisUri,
    java.util.List<String> redisClusterUris,
    int redisWaitReplicas,
    ForwardAuth forwardAuth,
    java.util.List<String> corsOrigins,
    Webhooks webhooks,
    Duration eventRetention,
    TrustedProxies trustedProxies,
    Limits limits,
    java.util.List<dev.sessiond.server.oidc.ProviderSettings> oidcProviders) {

  public Config {
    oidcProviders = oidcProviders == null ? java.util.List.of() : java.util.List.copyOf(oidcProviders);
  }

  /** Without OpenID Connect providers. */
  public Config(String host, int port, StoreKind store, Path dataDir, String adminUser, String adminPassword,
      String apiToken, SessionPolicy policy, boolean secureCookies, boolean metricsPublic, Duration wsHeartbeat,
      Duration wsReconnectGrace, String redisUri, java.util.List<String> redisClusterUris, int redisWaitReplicas,
      ForwardAuth forwardAuth, java.util.List<String> corsOrigins, Webhooks webhooks, Duration eventRetention,
      TrustedProxies trustedProxies, Limits limits) {
    this(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies, metricsPublic,
        wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth, corsOrigins,
        webhooks, eventRetention, trustedProxies, limits, java.util.List.of());
  }

  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(30);

  /** Trusting no proxy, with the default limits. */
  public Config(String host, int port, StoreKind store, Path dataDir, String adminUser, String adminPassword,
      String apiToken, SessionPolicy policy, boolean secureCookies, boolean metricsPublic, Duration wsHeartbeat,
      Duration wsReconnectGrace, String redisUri, java.util.List<String> redisClusterUris, int redisWaitReplicas,
      ForwardAuth forwardAuth, java.util.List<String> corsOrigins, Webhooks webhooks, Duration eventRetention) {
    this(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies, metricsPublic,
        wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth, corsOrigins,
        webhooks, eventRetention, TrustedProxies.NONE, Limits.DEFAULTS);
  }

  /** With the default event retention. */
  public Config(String host, int port, StoreKind store, Path dataDir, String adminUser, String adminPassword,
      String apiToken, SessionPolicy policy, boolean secureCookies, boolean metricsPublic, Duration wsHeartbeat,
      Duration wsReconnectGrace, String redisUri, java.util.List<String> redisClusterUris, int redisWaitReplicas,
      ForwardAuth forwardAuth, java.util.List<String> corsOrigins, Webhooks webhooks) {
    this(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies, metricsPublic,
        wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth, corsOrigins,
        webhooks, DEFAULT_EVENT_RETENTION);
  }

  public enum StoreKind { EMBEDDED, MEMORY, REDIS }

  /**
   * The login page and forward auth: where browsers reach sessiond ({@code publicUrl}, may be
   * null), the cookie's Domain (null: host-only) and the hosts a login may send the browser back to.
   */
  public record ForwardAuth(String publicUrl, String cookieDomain, java.util.List<String> redirectDomains) {
    public static final ForwardAuth NONE = new ForwardAuth(null, null, java.util.List.of());
  }

  /**
   * The proxies ({@code --trusted-proxies}: addresses and CIDR ranges) whose {@code header}
   * ({@code X-Forwarded-For} or {@code Forwarded}) names the client; none: the TCP peer is.
   */
  public record TrustedProxies(java.util.List<String> ranges, String header) {
    public static final TrustedProxies NONE = new TrustedProxies(java.util.List.of(), "X-Forwarded-For");
  }

  /**
   * What bounds a client's hold on the server: how long a request may take to arrive
   * ({@code httpReadTimeout}) and an idle keep-alive connection may stay; how many WebSockets
   * this node holds in all, per user and per session; how many long polls and event streams in
   * all and per caller. A count of 0 is no limit.
   */
  public record Limits(Duration httpReadTimeout, Duration httpIdleTimeout, int maxWebSockets,
      int maxWebSocketsPerUser, int maxWebSocketsPerSession, int maxEventStreams, int maxEventStreamsPerCaller) {

    public static final Duration DEFAULT_HTTP_READ_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = Duration.ofMinutes(3);
    public static final int DEFAULT_MAX_WEBSOCKETS_PER_USER = 64;
    public static final int DEFAULT_MAX_WEBSOCKETS_PER_SESSION = 16;
    public static final int DEFAULT_MAX_EVENT_STREAMS = 1000;
    public static final int DEFAULT_MAX_EVENT_STREAMS_PER_CALLER = 32;
    public static final Limits DEFAULTS = new Limits(DEFAULT_HTTP_READ_TIMEOUT, DEFAULT_HTTP_IDLE_TIMEOUT,
        dev.sessiond.server.limits.OpenFiles.defaultMaxWebSockets(), DEFAULT_MAX_WEBSOCKETS_PER_USER,
        DEFAULT_MAX_WEBSOCKETS_PER_SESSION, DEFAULT_MAX_EVENT_STREAMS, DEFAULT_MAX_EVENT_STREAMS_PER_CALLER);

    public Limits {
      if (httpReadTimeout.isNegative() || httpReadTimeout.isZero() || httpIdleTimeout.isNegative() || httpIdleTimeout.isZero()) {
        throw new IllegalArgumentException("--http-read-timeout and --http-idle-timeout must be longer than 0");
      }
      if (maxWebSockets < 0 || maxWebSocketsPerUser < 0 || maxWebSocketsPerSession < 0 || maxEventStreams < 0
          || maxEventStreamsPerCaller < 0) {
        throw new IllegalArgumentException("the --max-websockets* and --max-event-streams* limits are 0 (none) or more");
      }
    }
  }

  /** Where each event is POSTed ({@code --webhook-url}, none: no webhooks) and the signing secret. */
  public record Webhooks(java.util.List<String> urls, String secret) {
    public static final Webhooks NONE = new Webhooks(java.util.List.of(), null);
  }

  public Config withForwardAuth(ForwardAuth value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, value, corsOrigins,
        webhooks, eventRetention, trustedProxies, limits, oidcProviders);
  }

  public Config withPort(int value) {
    return new Config(host, value, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, eventRetention, trustedProxies, limits, oidcProviders);
  }

  public Config withCorsOrigins(java.util.List<String> origins) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth, origins,
        webhooks, eventRetention, trustedProxies, limits, oidcProviders);
  }

  public Config withWebhooks(Webhooks value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, value, eventRetention, trustedProxies, limits, oidcProviders);
  }

  public Config withEventRetention(Duration value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, value, trustedProxies, limits, oidcProviders);
  }

  public Config withTrustedProxies(TrustedProxies value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, eventRetention, value, limits, oidcProviders);
  }

  public Config withLimits(Limits value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, eventRetention, trustedProxies, value, oidcProviders);
  }

  public Config withOidcProviders(java.util.List<dev.sessiond.server.oidc.ProviderSettings> value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, eventRetention, trustedProxies, limits, value);
  }
}
