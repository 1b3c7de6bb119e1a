package dev.sessiond.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Verifies sessiond sessions inside the application: a hit is a hash and a map lookup, no I/O; a
 * miss asks sessiond once ({@code GET /api/whoami}; concurrent misses of one token share the
 * call) and caches the answer. The cache is kept true by sessiond's event log, followed with an
 * API key that holds the {@code verify} scope: every revocation and expiry (one session, a
 * user's, everyone's) and every profile change evicts what it names as soon as the log delivers
 * it. A miss that races such an event is not cached. Uses served from the cache are reported to
 * sessiond in batches ({@code POST /api/sessions/used}), so that sessions slide as if every
 * request had called whoami.
 *
 * <p>Fails safe: when nothing (not even a keep-alive) has come from the event feed for
 * {@link Builder#feedLossBound} (10 s by default), the cache is dropped and every verify asks
 * sessiond; when sessiond cannot be reached either, {@link #verify} throws
 * {@link SessiondUnavailableException}, never answering from a cache it cannot trust.
 *
 * <pre>{@code
 * SessiondClient client = SessiondClient.builder(URI.create("http://127.0.0.1:8080")).apiKey(key).build();
 * Optional<VerifiedSession> s = client.verify(token);
 * }</pre>
 *
 * Thread-safe. Close it to stop following the feed.
 */
public final class SessiondClient implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SessiondClient.class.getName());
  /** Tokens longer than this are not sessiond's: refused without asking. */
  private static final int MAX_TOKEN_LENGTH = 256;
  private static final int REPORT_BATCH = 1000;
  private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> PLUGINS =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private final URI base;
  private final String apiKey;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Duration requestTimeout;
  private final long maxAgeNanos;
  private final SessionCache cache;
  private final EventFollower feed;
  private final ScheduledExecutorService timers;
  private final ConcurrentHashMap<TokenKey, CompletableFuture<Optional<VerifiedSession>>> inFlight = new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder reported = new LongAdder();

  private SessiondClient(Builder b) {
    this.base = b.base;
    this.apiKey = Objects.requireNonNull(b.apiKey, "an API key with the verify scope is required: builder.apiKey(key)");
    this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.requestTimeout).build();
    this.requestTimeout = b.requestTimeout;
    this.maxAgeNanos = b.maxAge.toNanos();
    this.cache = new SessionCache(b.maxEntries);
    this.feed = new EventFollower(http, base, apiKey, cache, json, b.feedLossBound);
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sessiond-client-timers");
      t.setDaemon(true);
      return t;
    });
    long check = Math.max(50, b.feedLossBound.toMillis() / 4);
    timers.scheduleWithFixedDelay(this::watch, check, check, TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(this::report, b.reportEvery.toMillis(), b.reportEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  public static Builder builder(URI base) {
    return new Builder(base);
  }

  /**
   * The live session of {@code token}, or empty when sessiond says there is none (unknown,
   * revoked, expired). Throws {@link SessiondUnavailableException} when the cache cannot be
   * trusted and sessiond cannot be asked.
   */
  public Optional<VerifiedSession> verify(String token) {
    Optional<VerifiedSession> hit = lookup(token);
    if (hit != null) {
      return hit;
    }
    try {
      return remote(token).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof SessiondUnavailableException u ? u
          : new SessiondUnavailableException("sessiond could not verify the token: " + e.getCause(), e.getCause());
    }
  }

  /** As {@link #verify}, without blocking on a miss; fails with {@link SessiondUnavailableException}. */
  public CompletableFuture<Optional<VerifiedSession>> verifyAsync(String token) {
    Optional<VerifiedSession> hit = lookup(token);
    return hit != null ? CompletableFuture.completedFuture(hit) : remote(token);
  }

  private static final Optional<VerifiedSession> NONE = Optional.empty();

  /** A cache answer, or null when sessiond must be asked. */
  private Optional<VerifiedSession> lookup(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return NONE;
    }
    if (!feed.fresh()) {
      dropUntrusted();
      return null;
    }
    VerifiedSession s = cache.get(TokenKey.of(token));
    if (s == null) {
      return null;
    }
    VerifiedSession e = s;
    if (System.currentTimeMillis() >= s.expiresAtMillis()) {
      cache.expire(e, SessionCache.Cause.EXPIRED);
      return null;
    }
    if (System.nanoTime() - e.cachedAtNanos >= maxAgeNanos) {
      cache.expire(e, SessionCache.Cause.MAX_AGE);
      return null;
    }
    cache.used(e);
    hits.increment();
    return Optional.of(s);
  }

  private CompletableFuture<Optional<VerifiedSession>> remote(String token) {
    misses.increment();
    TokenKey key = TokenKey.of(token);
    CompletableFuture<Optional<VerifiedSession>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<VerifiedSession>> shared = inFlight.putIfAbsent(key, mine);
    if (shared != null) {
      return shared;
    }
    boolean trusted = feed.fresh();
    long since = cache.sequence();
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/whoami"))
        .timeout(requestTimeout)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
      inFlight.remove(key, mine);
      try {
        if (error != null) {
          throw new SessiondUnavailableException("sessiond cannot be reached at " + base + ": " + error, error);
        }
        int status = response.statusCode();
        if (status == 401) {
          mine.complete(NONE);
          return;
        }
        if (status != 200) {
          throw new SessiondUnavailableException("sessiond answered HTTP " + status + " to whoami", null);
        }
        VerifiedSession s = session(json.readTree(response.body()));
        if (trusted && feed.fresh()) {
          cache.putIfUnchangedSince(since, key, s, System.nanoTime());
        }
        mine.complete(Optional.of(s));
      } catch (IOException | RuntimeException e) {
        mine.completeExceptionally(e instanceof SessiondUnavailableException ? e
            : new SessiondUnavailableException("sessiond's answer could not be read: " + e, e));
      }
    });
    return mine;
  }

  private VerifiedSession session(JsonNode n) {
    JsonNode p = n.path("profile");
    Map<String, Object> plugins = p.has("plugins") && p.get("plugins").isObject()
        ? json.convertValue(p.get("plugins"), PLUGINS) : Map.of();
    Profile profile = new Profile(p.path("name").asText(""), p.path("is_admin").asBoolean(), p.path("can_login").asBoolean(),
        p.path("can_connect").asBoolean(), p.path("can_watch").asBoolean(), p.path("can_host").asBoolean(),
        p.path("can_share_media").asBoolean(), p.path("can_access_clipboard").asBoolean(),
        p.path("sends_inactive_cursor").asBoolean(), p.path("can_see_inactive_cursors").asBoolean(), plugins);
    return new VerifiedSession(n.path("id").asText(), n.path("user_id").asText(), profile,
        Instant.parse(n.path("expires_at").asText()).toEpochMilli());
  }

  /** Drops the cache once the feed has been silent past its bound (the watchdog, or the first verify to notice). */
  private void dropUntrusted() {
    if (cache.size() > 0) {
      LOG.log(System.Logger.Level.WARNING, "sessiond event feed silent past its bound: cache dropped, verifying "
          + "every token with sessiond until it is back" + (feed.trouble() != null ? " (" + feed.trouble() + ")" : ""));
      cache.clear(SessionCache.Cause.FEED_LOST);
    }
  }

  /** The watchdog: a feed silent past its bound drops the cache (and its connection, to be made again). */
  private void watch() {
    try {
      if (!feed.fresh()) {
        dropUntrusted();
        feed.checkAlive();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "sessiond client watchdog: " + e);
    }
  }

  /** Reports the uses served from the cache since the last report; sessions it says ended leave the cache. */
  private void report() {
    List<VerifiedSession> used = cache.takeUsed();
    for (int from = 0; from < used.size(); from += REPORT_BATCH) {
      List<VerifiedSession> batch = used.subList(from, Math.min(used.size(), from + REPORT_BATCH));
      ObjectNode body = json.createObjectNode();
      ArrayNode ids = body.putArray("ids");
      batch.forEach(e -> ids.add(e.id()));
      try {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve("/api/sessions/used"))
            .timeout(requestTimeout)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
          LOG.log(System.Logger.Level.WARNING, "sessiond refused a use report: HTTP " + response.statusCode());
          continue;
        }
        Map<String, Long> alive = new java.util.HashMap<>();
        for (JsonNode u : json.readTree(response.body())) {
          alive.put(u.path("id").asText(), Instant.parse(u.path("expires_at").asText()).toEpochMilli());
        }
        for (VerifiedSession e : batch) {
          String id = e.id();
          Long expiresAt = alive.get(id);
          if (expiresAt == null) {
            cache.evictSession(id, e.userId(), SessionCache.Cause.EXPIRED);
          } else {
            e.slidTo(expiresAt);
          }
        }
        reported.add(batch.size());
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not report session use to sessiond: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Counters and state, for metrics ({@code SessiondClientMetrics} binds them to Micrometer). */
  public Stats stats() {
    return new Stats();
  }

  /** A live view of the client's counters. */
  public final class Stats {
    private Stats() {}

    public long hits() {
      return hits.sum();
    }

    public long misses() {
      return misses.sum();
    }

    /** Entries evicted for {@code cause}: revoked, expired, updated, cleared, feed_lost, max_age, capacity. */
    public long evictions(String cause) {
      return cache.evictions(SessionCache.Cause.valueOf(cause.toUpperCase(java.util.Locale.ROOT)));
    }

    public static final List<String> CAUSES = java.util.Arrays.stream(SessionCache.Cause.values())
        .map(SessionCache.Cause::tag).toList();

    public int size() {
      return cache.size();
    }

    /** How late the last applied event reached this client, from its time in the log. */
    public long feedLagMillis() {
      return feed.lagMillis();
    }

    /** True while the cache is trusted (the feed spoke within its bound). */
    public boolean feedAlive() {
      return feed.fresh();
    }

    public long usesReported() {
      return reported.sum();
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
    feed.close();
  }

  /** How to reach sessiond, and the cache's bounds. */
  public static final class Builder {
    private final URI base;
    private String apiKey;
    private HttpClient http;
    private int maxEntries = 100_000;
    private Duration maxAge = Duration.ofMinutes(10);
    private Duration feedLossBound = Duration.ofSeconds(10);
    private Duration reportEvery = Duration.ofSeconds(1);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration startWait = Duration.ofSeconds(5);

    private Builder(URI base) {
      this.base = Objects.requireNonNull(base, "base");
    }

    /** A key with the {@code verify} scope ({@code POST /api/keys}). */
    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    /** The most sessions cached (100,000 by default); one more evicts another. */
    public Builder maxEntries(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxEntries must be at least 1");
      }
      this.maxEntries = n;
      return this;
    }

    /** How long an entry is served before it is verified with sessiond again, whatever the feed said (10 minutes). */
    public Builder maxAge(Duration d) {
      this.maxAge = positive(d, "maxAge");
      return this;
    }

    /**
     * How long the feed may stay silent before the cache is dropped (10 s by default): the most a
     * revocation can take to reach this client when the feed is cut without a sign.
     */
    public Builder feedLossBound(Duration d) {
      this.feedLossBound = positive(d, "feedLossBound");
      if (d.toMillis() < 1000) {
        throw new IllegalArgumentException("feedLossBound must be at least 1 s (the feed's keep-alive comes every second at most)");
      }
      return this;
    }

    /** How often uses served from the cache are reported (1 s). */
    public Builder reportEvery(Duration d) {
      this.reportEvery = positive(d, "reportEvery");
      return this;
    }

    /** How long a call to sessiond may take before it counts as unreachable (5 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = positive(d, "requestTimeout");
      return this;
    }

    /** How long {@link #build} waits for the event feed to open (5 s); verifies ask sessiond until it does. */
    public Builder startWait(Duration d) {
      this.startWait = d;
      return this;
    }

    /** The HTTP client to use (one with the app's TLS settings, say). */
    public Builder httpClient(HttpClient client) {
      this.http = client;
      return this;
    }

    /** Starts following the event feed, waiting up to {@link #startWait} for it to open. */
    public SessiondClient build() {
      SessiondClient client = new SessiondClient(this);
      client.feed.start();
      try {
        if (!client.feed.awaitOpen(startWait)) {
          LOG.log(System.Logger.Level.WARNING, "sessiond event feed not open after " + startWait
              + ": every verify asks sessiond until it is" + (client.feed.trouble() != null ? " (" + client.feed.trouble() + ")" : ""));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return client;
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
