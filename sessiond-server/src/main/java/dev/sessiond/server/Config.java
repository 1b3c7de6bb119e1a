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
    TrustedProxies trustedProxies) {

  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(30);

  /** Trusting no proxy. */
  public Config(String host, int port, StoreKind store, Path dataDir, String adminUser, String adminPassword,
      String apiToken, SessionPolicy policy, boolean secureCookies, boolean metricsPublic, Duration wsHeartbeat,
      Duration wsReconnectGrace, String redisUri, java.util.List<String> redisClusterUris, int redisWaitReplicas,
      ForwardAuth forwardAuth, java.util.List<String> corsOrigins, Webhooks webhooks, Duration eventRetention) {
    this(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies, metricsPublic,
        wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth, corsOrigins,
        webhooks, eventRetention, TrustedProxies.NONE);
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

  /** Where each event is POSTed ({@code --webhook-url}, none: no webhooks) and the signing secret. */
  public record Webhooks(java.util.List<String> urls, String secret) {
    public static final Webhooks NONE = new Webhooks(java.util.List.of(), null);
  }

  public Config withForwardAuth(ForwardAuth value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, value, corsOrigins,
        webhooks, eventRetention, trustedProxies);
  }

  public Config withPort(int value) {
    return new Config(host, value, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, eventRetention, trustedProxies);
  }

  public Config withCorsOrigins(java.util.List<String> origins) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth, origins,
        webhooks, eventRetention, trustedProxies);
  }

  public Config withWebhooks(Webhooks value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, value, eventRetention, trustedProxies);
  }

  public Config withEventRetention(Duration value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, value, trustedProxies);
  }

  public Config withTrustedProxies(TrustedProxies value) {
    return new Config(host, port, store, dataDir, adminUser, adminPassword, apiToken, policy, secureCookies,
        metricsPublic, wsHeartbeat, wsReconnectGrace, redisUri, redisClusterUris, redisWaitReplicas, forwardAuth,
        corsOrigins, webhooks, eventRetention, value);
  }
}
