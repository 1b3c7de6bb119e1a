package dev.sessiond.server.cli;

import dev.sessiond.core.SessionPolicy;
import dev.sessiond.server.Config;
import dev.sessiond.server.Main;
import dev.sessiond.server.forwardauth.RedirectPolicy;
import dev.sessiond.server.http.ClientAddress;
import dev.sessiond.server.limits.OpenFiles;
import dev.sessiond.server.webhooks.WebhookSigner;
import dev.sessiond.server.webhooks.WebhookTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import dev.sessiond.server.config.ConfigFile;
import dev.sessiond.server.config.FileDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sessiond serve}: every flag can also be set as {@code SESSIOND_<NAME>}. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = SessiondVersion.class, sortOptions = false,
    description = "Run the session server. Each option can also be set with the environment variable "
        + "shown in brackets; a flag on the command line wins.")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", defaultValue = "${SESSIOND_CONFIG}",
      description = "A YAML file setting any of these flags by its name without the dashes (public-url: ...), and the "
          + "OpenID Connect providers under oidc-providers:; flags and environment variables win over it "
          + "[SESSIOND_CONFIG].")
  String config;

  /** The providers of the configuration file ({@link #useConfigFile}); none without one. */
  private java.util.List<dev.sessiond.server.oidc.ProviderSettings> oidcProviders = java.util.List.of();

  @Option(names = "--host", defaultValue = "${SESSIOND_HOST:-0.0.0.0}",
      description = "Address to listen on [SESSIOND_HOST] (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "${SESSIOND_PORT:-8080}",
      description = "TCP port; 0 picks a free one [SESSIOND_PORT] (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--store", defaultValue = "${SESSIOND_STORE:-embedded}",
      description = "Where sessions live: embedded (SQLite in --data-dir, durable), redis (shared by every node "
          + "on the same Redis or Redis Cluster) or memory (lost on exit) [SESSIOND_STORE] (default: ${DEFAULT-VALUE}).")
  String store;

  @Option(names = "--redis-uri", defaultValue = "${SESSIOND_REDIS_URI:-redis://127.0.0.1:6379}",
      description = "With --store redis: redis://[:password@]host:port[/db], rediss://..., or a master found "
          + "through Sentinel: redis-sentinel://[:password@]host1:port1[,host2:port2...][/db]#<master-name> "
          + "[SESSIOND_REDIS_URI] (default: ${DEFAULT-VALUE}).")
  String redisUri;

  @Option(names = "--redis-cluster-uri", defaultValue = "${SESSIOND_REDIS_CLUSTER_URI}", split = ",",
      description = "With --store redis: seed nodes of a Redis Cluster, comma-separated (redis://host:port,...); "
          + "used instead of --redis-uri [SESSIOND_REDIS_CLUSTER_URI].")
  java.util.List<String> redisClusterUris;

  @Option(names = "--redis-wait-replicas", defaultValue = "${SESSIOND_REDIS_WAIT_REPLICAS:-0}",
      description = "With --store redis: answer a change (a session's creation or revocation, a member's or an API key's "
          + "creation, change or deletion) only once this many replicas hold it "
          + "(Redis WAIT, up to 1.5 s, else 503), so a failover loses no acknowledged change; 0 answers at once "
          + "(not with --redis-cluster-uri) [SESSIOND_REDIS_WAIT_REPLICAS] (default: ${DEFAULT-VALUE}).")
  int redisWaitReplicas;

  @Option(names = "--webhook-url", defaultValue = "${SESSIOND_WEBHOOK_URL}", split = ",",
      description = "POST each event of the log to this http(s) URL, signed as Standard Webhooks says; repeat it (or "
          + "separate with commas) for several [SESSIOND_WEBHOOK_URL].")
  java.util.List<String> webhookUrls;

  @Option(names = "--webhook-secret", defaultValue = "${SESSIOND_WEBHOOK_SECRET}",
      description = "With --webhook-url: the signing secret, whsec_ and base64 of at least 16 random bytes "
          + "(e.g. echo whsec_$(head -c 32 /dev/urandom | base64)) [SESSIOND_WEBHOOK_SECRET].")
  String webhookSecret;

  @Option(names = "--webhook-secret-file", defaultValue = "${SESSIOND_WEBHOOK_SECRET_FILE}",
      description = "Read --webhook-secret from this file's one line (- for standard input), so that ps does not "
          + "show it [SESSIOND_WEBHOOK_SECRET_FILE].")
  String webhookSecretFile;

  @Option(names = "--data-dir", defaultValue = "${SESSIOND_DATA_DIR:-./data}",
      description = "Directory of the embedded store [SESSIOND_DATA_DIR] (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--admin-user", defaultValue = "${SESSIOND_ADMIN_USER:-admin}",
      description = "Username of the admin member made sure of at start [SESSIOND_ADMIN_USER] (default: ${DEFAULT-VALUE}).")
  String adminUser;

  @Option(names = "--admin-password", defaultValue = "${SESSIOND_ADMIN_PASSWORD}",
      description = "Creates the admin member with this password, or sets it if it differs. Without it, a "
          + "strong password is generated and printed once when no member exists yet [SESSIOND_ADMIN_PASSWORD].")
  String adminPassword;

  @Option(names = "--admin-password-file", defaultValue = "${SESSIOND_ADMIN_PASSWORD_FILE}",
      description = "Read --admin-password from this file's one line (- for standard input), so that ps does not "
          + "show it [SESSIOND_ADMIN_PASSWORD_FILE].")
  String adminPasswordFile;

  @Option(names = "--api-token", defaultValue = "${SESSIOND_API_TOKEN}",
      description = "A static bearer token with the admin right, for trusted backends [SESSIOND_API_TOKEN].")
  String apiToken;

  @Option(names = "--api-token-file", defaultValue = "${SESSIOND_API_TOKEN_FILE}",
      description = "Read --api-token from this file's one line (- for standard input), so that ps does not "
          + "show it [SESSIOND_API_TOKEN_FILE].")
  String apiTokenFile;

  @Option(names = "--session-idle-timeout", defaultValue = "${SESSIOND_SESSION_IDLE_TIMEOUT:-1h}",
      converter = DurationConverter.class,
      description = "A session unused this long ends; each use slides it [SESSIOND_SESSION_IDLE_TIMEOUT] (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--session-max-lifetime", defaultValue = "${SESSIOND_SESSION_MAX_LIFETIME:-24h}",
      converter = DurationConverter.class,
      description = "No session lives longer than this [SESSIOND_SESSION_MAX_LIFETIME] (default: ${DEFAULT-VALUE}).")
  Duration maxLifetime;

  @Option(names = "--max-sessions-per-user",
      defaultValue = "${SESSIOND_MAX_SESSIONS_PER_USER:-" + SessionPolicy.DEFAULT_MAX_SESSIONS_PER_USER + "}",
      description = "Most sessions one user may hold (see --on-session-limit); 0 for no limit "
          + "[SESSIOND_MAX_SESSIONS_PER_USER] (default: ${DEFAULT-VALUE}).")
  int maxSessionsPerUser;

  @Option(names = "--on-session-limit", defaultValue = "${SESSIOND_ON_SESSION_LIMIT:-evict-oldest}",
      description = "At the limit, evict-oldest ends the user's oldest session; deny refuses the new one "
          + "[SESSIOND_ON_SESSION_LIMIT] (default: ${DEFAULT-VALUE}).")
  String onSessionLimit;

  @Option(names = "--secure-cookies", defaultValue = "${SESSIOND_SECURE_COOKIES:-false}", arity = "0..1",
      description = "Mark the session cookie Secure (set it when clients reach sessiond over HTTPS) "
          + "[SESSIOND_SECURE_COOKIES] (default: ${DEFAULT-VALUE}).")
  boolean secureCookies;

  @Option(names = "--metrics-public", defaultValue = "${SESSIOND_METRICS_PUBLIC:-true}", arity = "0..1",
      description = "Serve /metrics to anyone; false requires the admin right [SESSIOND_METRICS_PUBLIC] (default: ${DEFAULT-VALUE}).")
  boolean metricsPublic;

  @Option(names = "--ws-heartbeat", defaultValue = "${SESSIOND_WS_HEARTBEAT:-10s}", converter = DurationConverter.class,
      description = "Ping WebSocket peers this often; one silent for two intervals is dropped "
          + "[SESSIOND_WS_HEARTBEAT] (default: ${DEFAULT-VALUE}).")
  Duration wsHeartbeat;

  @Option(names = "--event-retention", defaultValue = "${SESSIOND_EVENT_RETENTION:-30d}",
      converter = DurationConverter.class,
      description = "Keep the event log (GET /api/events, webhooks) this long; older entries are trimmed every "
          + "tenth of it (at least every 10 minutes, at most every second) [SESSIOND_EVENT_RETENTION] (default: ${DEFAULT-VALUE}).")
  Duration eventRetention;

  @Option(names = "--ws-reconnect-grace", defaultValue = "${SESSIOND_WS_RECONNECT_GRACE:-5s}",
      converter = DurationConverter.class,
      description = "A session stays is_connected this long after its last socket closes, so a reload does not "
          + "flap [SESSIOND_WS_RECONNECT_GRACE] (default: ${DEFAULT-VALUE}).")
  Duration wsReconnectGrace;

  @Option(names = "--public-url", defaultValue = "${SESSIOND_PUBLIC_URL}",
      description = "Where browsers reach sessiond (https://auth.example.com): forward auth sends them to its "
          + "/login [SESSIOND_PUBLIC_URL].")
  String publicUrl;

  @Option(names = "--cookie-domain", defaultValue = "${SESSIOND_COOKIE_DOMAIN}",
      description = "Domain of the session cookie (example.com), so that one login covers app.example.com when "
          + "sessiond is auth.example.com; default host-only [SESSIOND_COOKIE_DOMAIN].")
  String cookieDomain;

  @Option(names = "--redirect-domains", defaultValue = "${SESSIOND_REDIRECT_DOMAINS}", split = ",",
      description = "Hosts the login page may send the browser back to (rd), comma-separated: app.example.com "
          + "exactly, .example.com for it and every host under it; default: the cookie domain and every host "
          + "under it, plus the host of --public-url [SESSIOND_REDIRECT_DOMAINS].")
  java.util.List<String> redirectDomains;

  @Option(names = "--cors-origins", defaultValue = "${SESSIOND_CORS_ORIGINS}", split = ",",
      description = "Origins (scheme://host[:port], comma-separated) whose pages may call /api/me/* and "
          + "/api/whoami with a bearer token; never with cookies [SESSIOND_CORS_ORIGINS].")
  java.util.List<String> corsOrigins;

  @Option(names = "--trusted-proxies", defaultValue = "${SESSIOND_TRUSTED_PROXIES}", split = ",",
      description = "Proxies whose --client-ip-header names the client: addresses and CIDR ranges, IPv4 or IPv6, "
          + "comma-separated (127.0.0.1,::1,10.0.0.0/8). From any other peer the header is ignored; default none: "
          + "the TCP peer is the client [SESSIOND_TRUSTED_PROXIES].")
  java.util.List<String> trustedProxies;

  @Option(names = "--client-ip-header", defaultValue = "${SESSIOND_CLIENT_IP_HEADER:-X-Forwarded-For}",
      description = "With --trusted-proxies: the header they write, X-Forwarded-For or Forwarded (RFC 7239); the "
          + "other is ignored [SESSIOND_CLIENT_IP_HEADER] (default: ${DEFAULT-VALUE}).")
  String clientIpHeader;

  @Option(names = "--http-read-timeout", defaultValue = "${SESSIOND_HTTP_READ_TIMEOUT:-20s}",
      converter = DurationConverter.class,
      description = "A request's head and body must arrive within this of its first byte (a new connection's first "
          + "request: of connecting), else the connection is closed; requests being answered (long polls, event "
          + "streams) and WebSockets are not timed [SESSIOND_HTTP_READ_TIMEOUT] (default: ${DEFAULT-VALUE}).")
  Duration httpReadTimeout;

  @Option(names = "--http-idle-timeout", defaultValue = "${SESSIOND_HTTP_IDLE_TIMEOUT:-3m}",
      converter = DurationConverter.class,
      description = "A keep-alive connection with no request under way is closed after this; keep it above a "
          + "proxy's own idle timeout for its connections to sessiond [SESSIOND_HTTP_IDLE_TIMEOUT] (default: ${DEFAULT-VALUE}).")
  Duration httpIdleTimeout;

  @Option(names = "--max-websockets", defaultValue = "${SESSIOND_MAX_WEBSOCKETS:-auto}",
      description = "Most WebSockets this node holds open; more are refused with 429. auto: the open-file limit "
          + "less 1000, at most 200000; 0: no limit [SESSIOND_MAX_WEBSOCKETS] (default: ${DEFAULT-VALUE}).")
  String maxWebSockets;

  @Option(names = "--max-websockets-per-user", defaultValue = "${SESSIOND_MAX_WEBSOCKETS_PER_USER:-64}",
      description = "Most WebSockets one user holds open on this node, all its sessions together; 0: no limit "
          + "[SESSIOND_MAX_WEBSOCKETS_PER_USER] (default: ${DEFAULT-VALUE}).")
  int maxWebSocketsPerUser;

  @Option(names = "--max-websockets-per-session", defaultValue = "${SESSIOND_MAX_WEBSOCKETS_PER_SESSION:-16}",
      description = "Most WebSockets one session holds open on this node; 0: no limit "
          + "[SESSIOND_MAX_WEBSOCKETS_PER_SESSION] (default: ${DEFAULT-VALUE}).")
  int maxWebSocketsPerSession;

  @Option(names = "--max-event-streams", defaultValue = "${SESSIOND_MAX_EVENT_STREAMS:-1000}",
      description = "Most long polls (GET /api/events?wait=) and Server-Sent Events streams this node holds at once; "
          + "0: no limit [SESSIOND_MAX_EVENT_STREAMS] (default: ${DEFAULT-VALUE}).")
  int maxEventStreams;

  @Option(names = "--max-event-streams-per-caller", defaultValue = "${SESSIOND_MAX_EVENT_STREAMS_PER_CALLER:-32}",
      description = "Most long polls and event streams one caller (a session, or the API token) holds at once on this "
          + "node; 0: no limit [SESSIOND_MAX_EVENT_STREAMS_PER_CALLER] (default: ${DEFAULT-VALUE}).")
  int maxEventStreamsPerCaller;

  @Override
  public Integer call() throws Exception {
    Main.Running running = Main.start(toConfig());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "sessiond-shutdown"));
    stopped.await();
    return 0;
  }

  Config toConfig() {
    return toConfig(System.in);
  }

  /** {@code stdin}: where a secret's {@code -file -} reads from. */
  Config toConfig(java.io.InputStream stdin) {
    Secrets secrets = new Secrets(stdin);
    String adminSecret = secrets.resolve("--admin-password", adminPassword, adminPasswordFile);
    String apiSecret = secrets.resolve("--api-token", apiToken, apiTokenFile);
    String hookSecret = secrets.resolve("--webhook-secret", webhookSecret, webhookSecretFile);
    SessionPolicy.OnLimit onLimit = switch (onSessionLimit) {
      case "evict-oldest" -> SessionPolicy.OnLimit.EVICT_OLDEST;
      case "deny" -> SessionPolicy.OnLimit.DENY;
      default -> throw new IllegalArgumentException("--on-session-limit must be evict-oldest or deny");
    };
    if (redisWaitReplicas < 0) {
      throw new IllegalArgumentException("--redis-wait-replicas must be 0 or more");
    }
    Config.StoreKind kind = switch (store) {
      case "embedded" -> Config.StoreKind.EMBEDDED;
      case "memory" -> Config.StoreKind.MEMORY;
      case "redis" -> Config.StoreKind.REDIS;
      default -> throw new IllegalArgumentException("--store must be embedded, redis or memory");
    };
    return new Config(host, port, kind, dataDir, adminUser, adminSecret, apiSecret,
        new SessionPolicy(idleTimeout, maxLifetime, maxSessionsPerUser, onLimit), secureCookies, metricsPublic,
        wsHeartbeat, wsReconnectGrace, redisUri,
        nonBlank(redisClusterUris), redisWaitReplicas, forwardAuth(), nonBlank(corsOrigins), webhooks(hookSecret), eventRetention,
        trustedProxies(), limits(), oidcProviders);
  }

  /**
   * Reads the configuration file named by {@code --config FILE} (or {@code --config=FILE}) in
   * {@code args}, else by SESSIOND_CONFIG, and makes its values {@code serve}'s defaults; does
   * nothing without one. A mistake in the file throws IllegalArgumentException naming the key.
   */
  public static FileDefaults useConfigFile(CommandLine serve, String[] args) {
    String path = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        path = args[i].substring("--config=".length());
      }
    }
    if (path == null) {
      path = System.getProperty("SESSIOND_CONFIG", System.getenv("SESSIOND_CONFIG"));
    }
    if (path == null || path.isBlank()) {
      return null;
    }
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (CommandLine.Model.OptionSpec o : serve.getCommandSpec().options()) {
      keys.add(o.longestName().replaceFirst("^--", ""));
    }
    keys.removeAll(java.util.Set.of("help", "version", "config"));
    ConfigFile file = ConfigFile.read(java.nio.file.Path.of(path), keys);
    FileDefaults defaults = new FileDefaults(file);
    serve.setDefaultValueProvider(defaults);
    ((ServeCommand) serve.getCommand()).oidcProviders = file.providers();
    return defaults;
  }

  private Config.TrustedProxies trustedProxies() {
    java.util.List<String> ranges = nonBlank(trustedProxies);
    ClientAddress.parse(ranges, clientIpHeader);
    return new Config.TrustedProxies(ranges, clientIpHeader.strip());
  }

  private Config.Limits limits() {
    int maxSockets;
    if ("auto".equals(maxWebSockets.strip())) {
      maxSockets = OpenFiles.defaultMaxWebSockets();
    } else {
      try {
        maxSockets = Integer.parseInt(maxWebSockets.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--max-websockets must be auto or a whole number (0: no limit)");
      }
    }
    return new Config.Limits(httpReadTimeout, httpIdleTimeout, maxSockets, maxWebSocketsPerUser,
        maxWebSocketsPerSession, maxEventStreams, maxEventStreamsPerCaller);
  }

  private Config.ForwardAuth forwardAuth() {
    String domain = blankToNull(cookieDomain);
    java.util.List<String> domains = redirectDomains == null ? java.util.List.of()
        : redirectDomains.stream().map(String::trim).filter(d -> !d.isEmpty()).toList();
    if (domains.isEmpty() && domain != null) {
      domains = java.util.List.of(domain.startsWith(".") ? domain : "." + domain);
    }
    return new Config.ForwardAuth(RedirectPolicy.validatePublicUrl(blankToNull(publicUrl)), domain, domains);
  }

  private static java.util.List<String> nonBlank(java.util.List<String> values) {
    return values == null ? java.util.List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
  }

  private Config.Webhooks webhooks(String secret) {
    java.util.List<String> urls = webhookUrls == null ? java.util.List.of()
        : webhookUrls.stream().filter(u -> !u.isBlank()).map(String::strip).distinct().toList();
    if (urls.isEmpty()) {
      return Config.Webhooks.NONE;
    }
    urls.forEach(WebhookTarget::parse);
    if (blankToNull(secret) == null) {
      throw new IllegalArgumentException("--webhook-url needs --webhook-secret or --webhook-secret-file (whsec_<base64>) to sign with");
    }
    new WebhookSigner(secret.strip());
    return new Config.Webhooks(urls, secret.strip());
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
