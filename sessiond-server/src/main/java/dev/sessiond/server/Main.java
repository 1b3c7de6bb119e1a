package dev.sessiond.server;

import dev.sessiond.core.keys.ApiKeyStore;
import dev.sessiond.core.keys.ApiKeys;
import dev.sessiond.core.keys.InMemoryApiKeyStore;
import dev.sessiond.server.http.KeyRoutes;
import dev.sessiond.store.redis.RedisApiKeyStore;

import dev.sessiond.core.Events;
import dev.sessiond.core.SessionEvent;
import dev.sessiond.core.LoginService;
import dev.sessiond.core.LoginThrottle;
import dev.sessiond.core.MemberService;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.store.InMemoryMemberStore;
import dev.sessiond.core.store.InMemorySessionStore;
import dev.sessiond.core.store.MemberStore;
import dev.sessiond.core.store.PresenceStore;
import dev.sessiond.core.store.SessionStore;
import dev.sessiond.core.throttle.InMemoryThrottleStore;
import dev.sessiond.core.throttle.ThrottleStore;
import dev.sessiond.core.webhooks.InMemoryWebhookCursorStore;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import dev.sessiond.server.cli.BackupCommand;
import dev.sessiond.server.cli.RestoreCommand;
import dev.sessiond.server.cli.ServeCommand;
import dev.sessiond.server.cli.SessiondVersion;
import dev.sessiond.server.events.EventFeed;
import dev.sessiond.server.http.AdminConsole;
import dev.sessiond.server.http.ApiReference;
import dev.sessiond.server.http.BrowserModule;
import dev.sessiond.server.http.Auth;
import dev.sessiond.server.http.ClientAddress;
import dev.sessiond.server.http.ClientNames;
import dev.sessiond.server.http.Cors;
import dev.sessiond.server.http.CurrentSessionRoutes;
import dev.sessiond.server.http.Endpoints;
import dev.sessiond.server.http.EventRoutes;
import dev.sessiond.server.http.HttpApi;
import dev.sessiond.server.http.MeRoutes;
import dev.sessiond.server.http.MemberRoutes;
import dev.sessiond.server.http.SeedRoutes;
import dev.sessiond.server.forwardauth.ForwardAuthRoutes;
import dev.sessiond.server.forwardauth.LoginPage;
import dev.sessiond.server.forwardauth.RedirectPolicy;
import dev.sessiond.server.http.SessionCookie;
import dev.sessiond.server.http.SessionRoutes;
import dev.sessiond.server.http.SessionViews;
import dev.sessiond.server.http.SystemRoutes;
import dev.sessiond.server.limits.EventStreamLimits;
import dev.sessiond.server.limits.HttpTimeouts;
import dev.sessiond.server.limits.WebSocketLimits;
import dev.sessiond.server.webhooks.WebhookSigner;
import dev.sessiond.server.webhooks.WebhookTarget;
import dev.sessiond.server.webhooks.Webhooks;
import dev.sessiond.server.ws.AdminLog;
import dev.sessiond.server.ws.LiveConnections;
import dev.sessiond.server.ws.LogReactions;
import dev.sessiond.server.ws.WebSocketRoute;
import dev.sessiond.core.Tokens;
import dev.sessiond.store.embedded.EmbeddedStore;
import dev.sessiond.store.redis.RedisConnection;
import dev.sessiond.store.redis.RedisEventBridge;
import dev.sessiond.store.redis.RedisMemberStore;
import dev.sessiond.store.redis.RedisPresenceStore;
import dev.sessiond.store.redis.RedisSessionStore;
import dev.sessiond.store.redis.RedisThrottleStore;
import dev.sessiond.store.redis.RedisWebhookCursorStore;
import dev.sessiond.store.redis.Replication;
import dev.sessiond.store.redis.ReplicatedApiKeyStore;
import dev.sessiond.store.redis.ReplicatedMemberStore;
import dev.sessiond.store.redis.ReplicatedSessionStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line, and the one place where sessiond is wired together, by constructors. */
@Command(name = "sessiond", mixinStandardHelpOptions = true, versionProvider = SessiondVersion.class,
    description = "A self-hosted session server: log in, verify a session on every request, list, "
        + "interrupt one session, one user or everyone.",
    subcommands = {ServeCommand.class, BackupCommand.class, RestoreCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final Duration PURGE_EVERY = Duration.ofSeconds(10);
  /** The event log is trimmed every tenth of its retention, but never more than this far apart... */
  private static final Duration TRIM_AT_MOST_EVERY = Duration.ofMinutes(10);
  /** ...nor more often than this (a short retention is for tests and demonstrations, not for a trim loop). */
  private static final Duration TRIM_AT_LEAST_EVERY = Duration.ofSeconds(1);

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(execute(commandLine(), args));
  }

  /**
   * Runs {@code args} on {@code cli} as the sessiond command does: {@code serve}'s defaults come
   * from {@code --config} first, and a bad value there is told by the file's name and key.
   */
  public static int execute(CommandLine cli, String[] args) {
    dev.sessiond.server.config.FileDefaults fromFile;
    try {
      fromFile = ServeCommand.useConfigFile(cli.getSubcommands().get("serve"), args);
    } catch (IllegalArgumentException e) {
      cli.getErr().println("sessiond: " + e.getMessage());
      return 1;
    }
    if (fromFile != null) {
      CommandLine.IParameterExceptionHandler usual = cli.getParameterExceptionHandler();
      cli.setParameterExceptionHandler((e, rest) -> {
        if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec o && fromFile.served(o.longestName())) {
          e.getCommandLine().getErr().println("sessiond: " + fromFile.file().path() + ": " + o.longestName().substring(2) + ": "
              + e.getMessage());
          return 2;
        }
        return usual.handleParseException(e, rest);
      });
    }
    return cli.execute(args);
  }

  /** Every command, each failure told in one line on the command's error stream (exit code 1). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("sessiond: " + e.getMessage());
      LOG.debug("{} failed", cmd.getCommandName(), e);
      return 1;
    });
    return cli;
  }

  /** A started server. Closing it stops taking requests, then flushes and closes the store. */
  public interface Running extends AutoCloseable {
    int port();

    @Override
    void close();
  }

  public static Running start(Config config) throws Exception {
    Clock clock = Clock.systemUTC();
    List<AutoCloseable> closers = new ArrayList<>();
    SessionStore sessionStore;
    MemberStore memberStore;
    PresenceStore presence = PresenceStore.NONE;
    WebhookCursorStore webhookCursors = new InMemoryWebhookCursorStore(clock);
    // Login throttling: shared on Redis; in this process otherwise (see InMemoryThrottleStore).
    ThrottleStore throttleStore = new InMemoryThrottleStore(clock);
    ApiKeyStore keyStore = new InMemoryApiKeyStore();
    dev.sessiond.core.identity.IdentityStore identities = new dev.sessiond.core.identity.InMemoryIdentityStore(clock);
    if (!config.oidcProviders().isEmpty() && config.forwardAuth().publicUrl() == null) {
      throw new IllegalArgumentException("oidc-providers need --public-url (public-url:), the base of the redirect URI "
          + "registered at each provider");
    }
    RedisConnection redis = null;
    // The embedded store loads its sessions while the rest starts; the server listens after both.
    java.util.function.Supplier<CompletableFuture<Void>> loadStore = () -> CompletableFuture.completedFuture(null);
    if (config.store() == Config.StoreKind.REDIS) {
      redis = config.redisClusterUris().isEmpty()
          ? RedisConnection.standalone(config.redisUri())
          : RedisConnection.cluster(config.redisClusterUris());
      closers.add(redis);
      sessionStore = new RedisSessionStore(redis, clock);
      memberStore = new RedisMemberStore(redis);
      keyStore = new RedisApiKeyStore(redis);
      if (config.redisWaitReplicas() > 0) {
        if (redis.isCluster()) {
          throw new IllegalArgumentException("--redis-wait-replicas works with --redis-uri (standalone or Sentinel), "
              + "not with Redis Cluster");
        }
        // Every change that must survive a failover (sessions, revocations, members, keys) waits for the replicas.
        RedisConnection changes = redis.another();
        closers.add(0, changes);
        Replication replication = new Replication(changes, config.redisWaitReplicas());
        sessionStore = new ReplicatedSessionStore(sessionStore, new RedisSessionStore(changes, clock), replication);
        memberStore = new ReplicatedMemberStore(memberStore, new RedisMemberStore(changes), replication);
        keyStore = new ReplicatedApiKeyStore(keyStore, new RedisApiKeyStore(changes), replication);
      }
      presence = new RedisPresenceStore(redis, clock);
      webhookCursors = new RedisWebhookCursorStore(redis);
      throttleStore = new RedisThrottleStore(redis, clock);
      identities = new dev.sessiond.store.redis.RedisIdentityStore(redis, clock);
    } else if (config.store() == Config.StoreKind.EMBEDDED) {
      EmbeddedStore embedded = EmbeddedStore.unloaded(config.dataDir(), clock, config.policy().durableTouchLag());
      closers.add(embedded);
      loadStore = embedded::load;
      sessionStore = embedded.sessions();
      memberStore = embedded.members();
      webhookCursors = embedded.webhookCursors();
      keyStore = embedded.apiKeys();
      identities = embedded.identities();
    } else {
      sessionStore = new InMemorySessionStore(clock);
      memberStore = new InMemoryMemberStore();
    }

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    sessionStore = new TimedSessionStore(sessionStore, registry);
    EventLog log = sessionStore.log();
    Events events = new Events();
    SessionService sessions = new SessionService(sessionStore, config.policy(), clock, events);
    // Half the cores at most: a burst of logins must not starve the event loops that verify.
    ExecutorService hashing = Executors.newFixedThreadPool(
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2), daemon("sessiond-argon2"));
    closers.add(0, hashing::shutdownNow);
    Argon2Hasher hasher = new Argon2Hasher(hashing);
    MemberService members = new MemberService(memberStore, sessions, hasher, clock);
    LoginService login = new LoginService(members, sessions, hasher, new LoginThrottle(throttleStore));

    // The admin member, made sure of (idempotent: nodes sharing a store may start at the same moment),
    // awaited before listening. Its read goes before the embedded store's load (one thread), so
    // that checking its password (Argon2, about 0.4 s) overlaps the load; a write queues behind it.
    CompletableFuture<java.util.Optional<String>> admin =
        members.bootstrapAdmin(config.adminUser(), config.adminPassword()).toCompletableFuture();
    CompletableFuture<Void> storeLoaded = loadStore.get();

    events.subscribe(new SessionMetrics(registry));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    closers.add(gcMetrics);

    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    closers.add(0, () -> vertx.close().await(10, TimeUnit.SECONDS));
    ClientAddress clientAddress = ClientAddress.parse(config.trustedProxies().ranges(), config.trustedProxies().header());
    LOG.info("client address: {}", clientAddress);
    String node = Tokens.newId();
    LiveConnections live = new LiveConnections(vertx, clock, config.wsReconnectGrace(), node, events::publish,
        presence, config.wsHeartbeat());
    if (redis != null) {
      RedisEventBridge bridge = new RedisEventBridge(redis, node);
      events.subscribe(bridge);
      bridge.onRemote(live);
      closers.add(0, bridge);
    }
    Webhooks webhooks = config.webhooks().urls().isEmpty() ? null
        : new Webhooks(config.webhooks().urls().stream().map(WebhookTarget::parse).toList(),
            new WebhookSigner(config.webhooks().secret()), log, webhookCursors, node, clock, registry, vertx);
    if (webhooks != null) {
      closers.add(0, webhooks);
    }
    ExecutorService naming = Executors.newSingleThreadExecutor(daemon("sessiond-ua"));
    closers.add(naming::shutdownNow);
    SessionViews views = new SessionViews(live::stateOf, new ClientNames(naming));
    live.views(views);
    // Session changes reach the live connections from the event log (every node's, missing none
    // across a lost link; this node's own at once, too); connection counts travel in memory and over the bridge.
    LogReactions reactions = new LogReactions(live, sessions);
    events.subscribe(e -> {
      if (e instanceof SessionEvent.ConnectionsChanged) {
        live.accept(e);
      } else {
        reactions.local(e);
      }
    });
    EventFeed feed = new EventFeed(log, vertx);
    feed.subscribe(reactions);
    AdminLog adminLog = new AdminLog(log);
    feed.subscribe(adminLog);
    if (webhooks != null) {
      feed.subscribe(webhooks::offer);   // appends of every node, in order
    }
    closers.add(0, feed);
    closers.add(0, () -> {
      live.shutdown();
      Thread.sleep(200);
    });
    ApiKeys keys = new ApiKeys(keyStore, sessions, clock);
    Auth auth = new Auth(sessions, keys, config.apiToken());
    Endpoints endpoints = new Endpoints(auth);
    HttpApi api = new HttpApi(vertx, registry);
    new SystemRoutes(sessions, members, registry, config.metricsPublic(), Instant.now(clock),
        live::connectedSessions, live::connectedAdmins, sessionStore::ping).mount(api, endpoints);
    Config.Limits limits = config.limits();
    WebSocketLimits socketLimits =
        new WebSocketLimits(limits.maxWebSockets(), limits.maxWebSocketsPerUser(), limits.maxWebSocketsPerSession());
    EventStreamLimits streamLimits = new EventStreamLimits(limits.maxEventStreams(), limits.maxEventStreamsPerCaller());
    io.micrometer.core.instrument.Gauge.builder("sessiond.websockets.open", socketLimits, WebSocketLimits::inAll)
        .description("WebSockets this node holds open (--max-websockets)").register(registry);
    io.micrometer.core.instrument.Gauge.builder("sessiond.event.streams.open", streamLimits, EventStreamLimits::inAll)
        .description("Long polls and event streams this node holds (--max-event-streams)").register(registry);
    WebSocketRoute webSockets = new WebSocketRoute(auth, live, sessions, adminLog, socketLimits);
    webSockets.mount(api);
    SessionCookie cookie = new SessionCookie(config.secureCookies(), config.forwardAuth().cookieDomain());
    new Cors(config.corsOrigins()).mount(api, "/api/me/*", "/api/whoami");
    CurrentSessionRoutes current = new CurrentSessionRoutes(login, sessions, views, cookie, clientAddress);
    current.mount(api, endpoints);
    new MeRoutes(sessions, login, views, current, clientAddress).mount(api, endpoints);
    new SessionRoutes(sessions, members, views, clientAddress).mount(api, endpoints);
    new EventRoutes(log, feed, streamLimits, keys).mount(api, endpoints);
    new KeyRoutes(keys).mount(api, endpoints);
    new SeedRoutes(sessions).mount(api, endpoints);
    new MemberRoutes(members).mount(api, endpoints);
    new AdminConsole().mount(api);
    new ApiReference().mount(api);
    new BrowserModule().mount(api);
    RedirectPolicy redirects = new RedirectPolicy(config.forwardAuth().redirectDomains(), config.forwardAuth().publicUrl());
    new ForwardAuthRoutes(sessions, redirects).mount(api);
    LoginPage loginPage = new LoginPage(login, sessions, cookie, redirects, clientAddress);
    if (!config.oidcProviders().isEmpty()) {
      String publicUrl = config.forwardAuth().publicUrl().replaceAll("/+$", "");
      dev.sessiond.server.oidc.OidcRoutes oidc = new dev.sessiond.server.oidc.OidcRoutes(
          config.oidcProviders().stream().map(p -> new dev.sessiond.server.oidc.OidcProvider(p, publicUrl)).toList(),
          sessions, identities, cookie, redirects, clientAddress, config.secureCookies(), vertx);
      loginPage.offer(oidc.buttons(), oidc);
      oidc.mount(api, loginPage);
      oidc.discoverAll();
    }
    loginPage.mount(api);

    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
        .setCompressionSupported(false).setMaxInitialLineLength(8192).setHttp2ClearTextEnabled(false)
        .setMaxWebSocketMessageSize(2 * WebSocketRoute.MAX_MESSAGE_BYTES)
        .setMaxWebSocketFrameSize(2 * WebSocketRoute.MAX_MESSAGE_BYTES)
        .setWebSocketClosingTimeout(3);
    io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> requests = api.requestHandler();
    HttpTimeouts timeouts = new HttpTimeouts(limits.httpReadTimeout(), limits.httpIdleTimeout());

    try {
      storeLoaded.join();
      admin.join().ifPresent(password -> System.out.println("sessiond: created admin member '" + config.adminUser()
          + "' with password " + password + " (shown once; change it with POST /api/members/{id}/password)"));
    } catch (java.util.concurrent.CompletionException e) {
      closeAll(closers);
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    if (webhooks != null) {
      webhooks.start().get(30, TimeUnit.SECONDS);
    }
    feed.start();
    HttpVerticle first = new HttpVerticle(options, requests, timeouts::install);
    vertx.deployVerticle(first).await(30, TimeUnit.SECONDS);
    int port = first.port();
    int more = Runtime.getRuntime().availableProcessors() - 1;
    if (more > 0) {
      // Same options as the first (even port 0): Vert.x then shares the first server's socket.
      vertx.deployVerticle(() -> new HttpVerticle(options, requests, timeouts::install), new DeploymentOptions().setInstances(more))
          .await(30, TimeUnit.SECONDS);
    }

    vertx.setPeriodic(config.wsHeartbeat().toMillis(), id -> webSockets.heartbeat(config.wsHeartbeat(), config.policy().touchGranularity()));
    vertx.setPeriodic(config.wsHeartbeat().toMillis(), id -> live.syncPresence());
    Duration purgeEvery = config.wsHeartbeat().compareTo(PURGE_EVERY) < 0 ? config.wsHeartbeat() : PURGE_EVERY;
    vertx.setPeriodic(trimEvery(config.eventRetention()).toMillis(), id -> log.trim(clock.instant().minus(config.eventRetention()))
        .whenComplete((n, e) -> {
          if (e != null) {
            LOG.warn("could not trim the event log: {}", e.getMessage());
          } else if (n > 0) {
            LOG.info("trimmed {} events older than {}", n, config.eventRetention());
          }
        }));
    // The purge walks every session in memory (a million: tens of milliseconds of CPU): on a
    // worker thread, so that no event loop stalls for it every purgeEvery.
    vertx.setPeriodic(purgeEvery.toMillis(), id -> vertx.executeBlocking(() -> {
      sessions.purgeExpired();
      return null;
    }, false));
    System.out.println("sessiond: listening on http://" + config.host() + ":" + port
        + " (store: " + config.store().name().toLowerCase(java.util.Locale.ROOT)
        + (config.store() == Config.StoreKind.EMBEDDED ? ", data dir " + config.dataDir().toAbsolutePath().normalize() : "")
        + (config.store() == Config.StoreKind.REDIS ? ", node " + node : "")
        + ")");
    LOG.info("sessiond {} started on port {}", SessiondVersion.get(), port);
    LOG.info("limits: a request arrives within {}, an idle connection stays {}; WebSockets {} in all, {} per user, "
        + "{} per session; long polls and event streams {} in all, {} per caller (0: no limit)", limits.httpReadTimeout(),
        limits.httpIdleTimeout(), limits.maxWebSockets(), limits.maxWebSocketsPerUser(), limits.maxWebSocketsPerSession(),
        limits.maxEventStreams(), limits.maxEventStreamsPerCaller());

    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
        closeAll(closers);
      }
    };
  }

  /**
   * How often the event log is trimmed: a tenth of {@code retention}, from 1 s to 10 minutes, so
   * that an entry outlives its retention by at most a tenth of it (10 minutes at the default 30 days).
   */
  static Duration trimEvery(Duration retention) {
    Duration tenth = retention.dividedBy(10);
    if (tenth.compareTo(TRIM_AT_LEAST_EVERY) < 0) {
      return TRIM_AT_LEAST_EVERY;
    }
    return tenth.compareTo(TRIM_AT_MOST_EVERY) > 0 ? TRIM_AT_MOST_EVERY : tenth;
  }

  private static void closeAll(List<AutoCloseable> closers) {
    for (AutoCloseable closer : closers) {
      try {
        closer.close();
      } catch (Exception e) {
        LOG.warn("error while stopping: {}", e.toString());
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }
}
