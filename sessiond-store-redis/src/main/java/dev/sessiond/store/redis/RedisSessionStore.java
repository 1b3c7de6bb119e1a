package dev.sessiond.store.redis;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.SessionStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their event log in Redis or Redis Cluster, in S shards ({@link Shards}): S = 1
 * on standalone and Sentinel, 12 on a new Cluster. Keys of a shard ({@code g} is its generation,
 * {@code P} its prefix: {@code {sd}:} when S = 1, {@code {sd<i>.<n>}:} for shard i of S > 1; a
 * "tree" is a directory ZSET of bucket lower bounds plus buckets {@code <tree>:<lower bound>},
 * HASHes of at most {@link Scripts#BUCKET} fields, the first bucket's bound being the empty
 * string):
 *
 * <pre>
 * P gen                  STRING  generation g; POST /sessions/clear increments it        INCR (in a script)
 * P k:&lt;tokenHash&gt;        STRING "g last exp\n[id,uid,created,deadline,ip,ua]\n[profile values]"   SET PXAT exp
 *                                (see Codec#body); verify = GET P k:&lt;h&gt; + GET P gen, one round trip
 * P &lt;g&gt;:i[:&lt;bound&gt;]     tree    sessionId -&gt; tokenHash: findById, ID-ordered pages         ZREVRANGEBYLEX dir, HGET/HSET
 * P &lt;g&gt;:u[:&lt;bound&gt;]     tree    userId NUL sessionId -&gt; exp ms (a user's sessions, user pages),
 *                                userId -&gt; number of its sessions                           HINCRBY
 * P &lt;g&gt;:n, P &lt;g&gt;:nu     STRING  sessions and users of generation g (counts, clear)       INCR / DECR
 * P x:&lt;minute&gt;:&lt;j&gt;      ZSET    "sessionId userId" -&gt; exp ms, at most BUCKET per key: what  ZADD; purge ZRANGEBYSCORE
 *                                purge walks; P xn:&lt;minute&gt; counts a minute's entries (j = n / BUCKET),
 *                                P xc is the last minute purge finished
 * P log                  STREAM  the event log (fields: see StreamLog)                  XADD in each change's script;
 *                                read XRANGE (after, +), follow XREAD BLOCK, trim XTRIM MINID
 * </pre>
 *
 * <p>{@code {sd}:shards} (STRING) holds S on a Cluster, written by the first node. Every change
 * is one Lua script ({@link Scripts}) on one shard that makes the change and appends its event
 * to that shard's {@code P log}, so Redis applies both or neither. A session lives in its user's
 * shard, and its token hash and ID name that shard (drawn by {@link #newToken}, {@link #newId}),
 * so verify reads one slot in one round trip, and a revocation by ID or by user, a touch, a
 * profile update and a user's pages are one script on one master. What spans users spans the
 * shards: clear (S = 1: one script; S > 1: one generation bump per shard, then one event in
 * shard 0), pages of every user (each shard's page, merged: S pages), counts, purge, and the log
 * ({@link ShardedLog}: a cursor of S positions).
 *
 * <p>Memory (issue 16: at most 600 bytes a session): a session's value is one compact string,
 * and its index entries are fields of small listpack-encoded hashes (about 80 bytes in the ID
 * tree, 50 in the user tree, 50 in an expiry bucket) rather than members of big sorted sets
 * (140 to 180 bytes each). Reads walk the trees inside one script; pages cost per page.
 *
 * <p>Expiry is Redis's own: token keys carry their deadline (PXAT) and vanish with it, so
 * verification needs no sweep. Purge walks the expiry buckets of the minutes that have passed,
 * removes the sessions from the indexes and logs each as expired, once across all nodes; a
 * session touched meanwhile is filed again under its new minute (touch itself only rewrites the
 * value and the user tree's entry). Clear is O(S): it reads each shard's session count and
 * increments its generation, and logs one event: from then on every node refuses every older
 * session (verify compares generations), and the old keys are deleted in the background. Keys of
 * earlier layouts ({@code {sd}:s:}, {@code {sd}:all:g}, ...) are never read. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {

  /** Shard 0's generation key when S = 1, the only one on standalone and Sentinel. */
  static final String GEN = Scripts.PREFIX + "gen";
  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
  private static final int BATCH = 1000;

  private final RedisConnection redis;
  private final Clock clock;
  private final Shards shards;
  private final EventLog log;
  private final AutoCloseable logCloser;
  /** The last (ms, seq) given to an entry ID with S > 1: orders this node's same-millisecond changes across shards. */
  private long seqMillis = -1;
  private long seq;

  /** Reads (on a Cluster, at first start writes) the deployment's shard count: blocks, once. */
  public RedisSessionStore(RedisConnection redis, Clock clock) {
    this(redis, clock, Shards.load(redis));
  }

  RedisSessionStore(RedisConnection redis, Clock clock, Shards shards) {
    this.redis = redis;
    this.clock = clock;
    this.shards = shards;
    if (shards.count() == 1) {
      StreamLog one = new StreamLog(redis, shards.log(0));
      this.log = one;
      this.logCloser = one;
      forgetPreviousLayout();
    } else {
      ShardedLog many = new ShardedLog(redis, shards);
      this.log = many;
      this.logCloser = many;
    }
  }

  /** How many shards this deployment has. */
  public int shards() {
    return shards.count();
  }

  /**
   * The previous layout's indexes of the current generation ({@code all:g}, {@code users:g},
   * {@code exp:g}: sorted sets without a TTL, about 430 MB per million sessions) would otherwise
   * stay forever; its session keys and per-user sets expire by themselves.
   */
  private void forgetPreviousLayout() {
    redis.run("forget the previous layout", c -> c.get(GEN).thenCompose(g -> {
      String gen = g == null ? "0" : g;
      return c.unlink(Scripts.PREFIX + "all:" + gen, Scripts.PREFIX + "users:" + gen, Scripts.PREFIX + "exp:" + gen);
    })).whenComplete((n, e) -> {
      if (e != null) {
        LOG.warn("could not delete the previous layout's indexes: {}", e.getMessage());
      } else if (n > 0) {
        LOG.info("deleted the previous Redis layout's indexes ({} keys)", n);
      }
    });
  }

  @Override
  public String newToken(String userId) {
    return shards.newToken(userId);
  }

  @Override
  public String newId(String userId) {
    return shards.newId(userId);
  }

  /** Runs a script on a shard (KEYS[1]: its generation key) by its SHA-1, sending its text only when Redis does not have it yet. */
  private <T> CompletableFuture<T> script(String what, int shard, String script, ScriptOutputType type, List<String> args) {
    String[] keys = {shards.gen(shard)};
    String[] argv = args.toArray(String[]::new);
    String sha = Scripts.sha(script);
    return redis.run(what, c -> c.<T>evalsha(sha, type, keys, argv).toCompletableFuture()
        .exceptionallyCompose(e -> noScript(e) ? c.<T>eval(script, type, keys, argv) : CompletableFuture.failedFuture(e)));
  }

  /** The script run on every shard, its answers in shard order. */
  private <T> CompletableFuture<List<T>> everywhere(String what, String script, ScriptOutputType type, List<String> args) {
    List<CompletableFuture<T>> all = new ArrayList<>();
    for (int i = 0; i < shards.count(); i++) {
      all.add(this.<T>script(what, i, script, type, args));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
  }

  private static boolean noScript(Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    return cause instanceof io.lettuce.core.RedisNoScriptException
        || (cause != null && cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
  }

  /** ARGV[1] of a change: now, and with S > 1 the entry ID's sequence number ({@code now-seq}). */
  private String stamp(long now) {
    return stamp(now, 1);
  }

  /** As {@link #stamp(long)}, reserving {@code entries} sequence numbers for a script that logs that many at most. */
  private String stamp(long now, int entries) {
    if (shards.count() == 1) {
      return Long.toString(now);
    }
    synchronized (this) {
      if (now > seqMillis) {
        seqMillis = now;
        seq = 0;
      }
      String out = now + "-" + seq;
      seq += entries;
      return out;
    }
  }

  private List<String> head(long nowMillis, String... more) {
    List<String> args = new ArrayList<>();
    args.add(stamp(nowMillis));
    args.addAll(List.of(more));
    return args;
  }

  @Override
  public CompletionStage<Void> create(Session s, Actor actor) {
    int shard = shards.ofUser(s.userId());
    if (shards.ofTokenHash(s.tokenHash()) != shard || shards.ofId(s.id()) != shard) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "session " + s.id() + ": its token and ID were not drawn by newToken and newId for its user"));
    }
    long now = clock.millis();
    List<String> args = head(now, s.id(), s.userId(), s.tokenHash(), Long.toString(s.expiresAt().toEpochMilli()),
        Long.toString(s.lastSeenAt().toEpochMilli()), Codec.body(s));
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_CREATED, Instant.ofEpochMilli(now), null, null, null, null, actor)));
    args.addAll(List.of("s", s.id(), "u", s.userId()));
    return this.<String>script("create a session", shard, Scripts.CREATE, ScriptOutputType.VALUE, args).thenApply(id -> null);
  }

  @Override
  public CompletionStage<Optional<Session>> findByTokenHash(String tokenHash) {
    int shard = shards.ofTokenHash(tokenHash);
    String key = shards.prefix(shard) + "k:" + tokenHash;
    String gen = shards.gen(shard);
    return redis.run("verify a session", c -> {
      CompletableFuture<String> value = c.get(key).toCompletableFuture();
      CompletableFuture<String> g = c.get(gen).toCompletableFuture();
      return value.thenCombine(g, (v, current) -> live(tokenHash, v, current == null ? "0" : current));
    });
  }

  private Optional<Session> live(String tokenHash, String v, String gen) {
    if (v == null || !gen.equals(Codec.generation(v))) {
      return Optional.empty();
    }
    Session s = Codec.session(tokenHash, v);
    return s.isExpiredAt(clock.instant()) ? Optional.empty() : Optional.of(s);
  }

  @Override
  public CompletionStage<Optional<Session>> findById(String id) {
    return this.<List<Object>>script("find a session", shards.ofId(id), Scripts.FIND, ScriptOutputType.MULTI, List.of(id))
        .thenApply(r -> sessions(r).stream().filter(s -> s.id().equals(id)).findFirst());
  }

  /** Sessions from a script's {tokenHash, value, ...}; the script checked the generation, the clock is checked here. */
  private List<Session> sessions(List<Object> r) {
    List<Session> out = new ArrayList<>(r.size() / 2);
    for (int i = 0; i + 1 < r.size(); i += 2) {
      Session s = Codec.session((String) r.get(i), (String) r.get(i + 1));
      if (!s.isExpiredAt(clock.instant())) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public CompletionStage<Void> touch(Session t) {
    return this.<Long>script("record session use", shards.ofTokenHash(t.tokenHash()), Scripts.TOUCH, ScriptOutputType.INTEGER,
        List.of(t.tokenHash(), t.id(), t.userId(), Long.toString(t.lastSeenAt().toEpochMilli()),
            Long.toString(t.expiresAt().toEpochMilli()))).thenApply(n -> null);
  }

  private List<String> revocation(long now, String id, Actor actor, String reason) {
    List<String> args = head(now, id);
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_REVOKED, Instant.ofEpochMilli(now), null, null, null, reason, actor)));
    return args;
  }

  @Override
  public CompletionStage<Integer> delete(String id, Actor actor, String reason) {
    return this.<Long>script("delete a session", shards.ofId(id), Scripts.DELETE, ScriptOutputType.INTEGER,
        revocation(clock.millis(), id, actor, reason)).thenApply(Long::intValue);
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId, Actor actor, String reason) {
    return this.<Long>script("delete a user's sessions", shards.ofUser(userId), Scripts.DELETE_USER, ScriptOutputType.INTEGER,
        revocation(clock.millis(), userId, actor, reason)).thenApply(Long::intValue);
  }

  /**
   * S = 1: one script bumps the generation and logs the event. S > 1: every shard's generation
   * is bumped (in parallel, one script each), then one event with the total is logged in shard 0:
   * every session is refused from its shard's bump on; a node that dies in between leaves the
   * clear unacknowledged and unlogged, and the caller's retry logs it.
   */
  @Override
  public CompletionStage<Integer> deleteAll(Actor actor) {
    long now = clock.millis();
    List<String> fields = StreamLog.fields(Event.of(Event.Type.SESSION_REVOKED, Instant.ofEpochMilli(now), null, null, null,
        Reasons.CLEAR, actor));
    if (shards.count() == 1) {
      List<String> args = head(now);
      args.addAll(fields);
      return this.<List<Object>>script("clear every session", 0, Scripts.CLEAR, ScriptOutputType.MULTI, args).thenApply(r -> {
        cleanUp(0, ((Number) r.get(1)).longValue());
        return ((Number) r.get(0)).intValue();
      });
    }
    return this.<List<Object>>everywhere("clear every session", Scripts.BUMP, ScriptOutputType.MULTI, List.of(Long.toString(now)))
        .thenCompose(parts -> {
          long n = 0;
          for (int i = 0; i < parts.size(); i++) {
            n += ((Number) parts.get(i).get(0)).longValue();
            cleanUp(i, ((Number) parts.get(i).get(1)).longValue());
          }
          List<String> args = head(now);
          args.addAll(fields);
          args.addAll(List.of("c", Long.toString(n)));
          long total = n;
          return this.<String>script("log a clear", 0, Scripts.LOG, ScriptOutputType.VALUE, args).thenApply(id -> (int) total);
        });
  }

  @Override
  public CompletionStage<Void> disconnected(String sessionId, String userId, Actor actor) {
    long now = clock.millis();
    List<String> args = head(now);
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_DISCONNECTED, Instant.ofEpochMilli(now), null, null, null, null,
        actor)));
    args.addAll(List.of("s", sessionId, "u", userId));
    return this.<String>script("log a disconnect", shards.ofUser(userId), Scripts.LOG, ScriptOutputType.VALUE, args)
        .thenApply(id -> null);
  }

  /** Deletes a shard's keys of generation {@code g} in the background, a bucket at a time. */
  private void cleanUp(int shard, long g) {
    this.<Long>script("clean up a generation", shard, Scripts.CLEAN_UP, ScriptOutputType.INTEGER, List.of(Long.toString(g)))
        .whenComplete((more, e) -> {
          if (e != null) {
            LOG.warn("cleaning up cleared sessions stopped (their keys expire on their own): {}", e.getMessage());
          } else if (more == 1) {
            cleanUp(shard, g);
          }
        });
  }

  /** A user's page comes from the user's shard; a page of everyone's merges each shard's page (cost: S pages). */
  @Override
  public CompletionStage<List<Session>> list(String userId, String after, int limit) {
    List<String> args = List.of(Long.toString(clock.millis()), after == null ? "" : after, Integer.toString(limit),
        userId == null ? "" : userId);
    if (userId != null || shards.count() == 1) {
      return this.<List<Object>>script("list sessions", userId == null ? 0 : shards.ofUser(userId), Scripts.LIST,
          ScriptOutputType.MULTI, args).thenApply(this::sessions);
    }
    return this.<List<Object>>everywhere("list sessions", Scripts.LIST, ScriptOutputType.MULTI, args).thenApply(pages -> {
      List<Session> all = new ArrayList<>();
      pages.forEach(p -> all.addAll(sessions(p)));
      all.sort(java.util.Comparator.comparing(Session::id, RedisSessionStore::byBytes));
      return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    });
  }

  @Override
  public CompletionStage<List<String>> listUsers(String after, int limit) {
    return this.<List<Object>>everywhere("list users", Scripts.USERS, ScriptOutputType.MULTI, List.of(
        Long.toString(clock.millis()), after == null ? "" : after, Integer.toString(limit))).thenApply(pages -> {
          List<String> all = new ArrayList<>();
          pages.forEach(p -> p.forEach(u -> all.add((String) u)));
          all.sort(RedisSessionStore::byBytes);
          return List.copyOf(all.subList(0, Math.min(limit, all.size())));
        });
  }

  /** Redis's order of strings (their UTF-8 bytes), in which each shard's page comes. */
  private static int byBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public CompletionStage<Integer> updateProfile(String userId, Profile profile, Actor actor) {
    long now = clock.millis();
    List<String> args = head(now, Codec.compact(profile), userId);
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_UPDATED, Instant.ofEpochMilli(now), null, null, null, null, actor)));
    return this.<Long>script("update profiles", shards.ofUser(userId), Scripts.SET_PROFILE, ScriptOutputType.INTEGER, args)
        .thenApply(Long::intValue);
  }

  /** Logged in the shard of the event's user (a member's), else in shard 0. */
  @Override
  public CompletionStage<Void> record(Event event) {
    long now = clock.millis();
    List<String> args = head(now);
    args.addAll(StreamLog.fields(event));
    if (event.sessionId() != null) {
      args.addAll(List.of("s", event.sessionId()));
    }
    if (event.userId() != null) {
      args.addAll(List.of("u", event.userId()));
    }
    if (event.count() != null) {
      args.addAll(List.of("c", Integer.toString(event.count())));
    }
    return this.<String>script("log " + event.type().wire(), event.userId() == null ? 0 : shards.ofUser(event.userId()),
        Scripts.LOG, ScriptOutputType.VALUE, args).thenApply(id -> null);
  }

  @Override
  public CompletionStage<Counts> counts() {
    return this.<List<Object>>everywhere("count sessions", Scripts.COUNTS, ScriptOutputType.MULTI, List.of()).thenApply(parts -> {
      long sessions = 0;
      long users = 0;
      for (List<Object> r : parts) {
        sessions += ((Number) r.get(0)).longValue();
        users += ((Number) r.get(1)).longValue();
      }
      return new Counts(sessions, users);
    });
  }

  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    List<CompletableFuture<List<Expired>>> all = new ArrayList<>();
    for (int i = 0; i < shards.count(); i++) {
      all.add(purge(i, new ArrayList<>()));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<Expired> out = new ArrayList<>();
      all.forEach(f -> out.addAll(f.join()));
      return out;
    });
  }

  private CompletableFuture<List<Expired>> purge(int shard, List<Expired> acc) {
    return this.<List<Object>>script("purge expired sessions", shard, Scripts.PURGE, ScriptOutputType.MULTI,
        List.of(stamp(clock.millis(), BATCH), Integer.toString(BATCH))).thenCompose(r -> {
          for (int i = 0; i + 1 < r.size(); i += 2) {
            acc.add(new Expired((String) r.get(i + 1), (String) r.get(i)));
          }
          return r.size() / 2 < BATCH ? completedFuture(acc) : purge(shard, acc);
        });
  }

  @Override
  public EventLog log() {
    return log;
  }

  @Override
  public CompletionStage<Void> ping() {
    return redis.ping();
  }

  @Override
  public void close() {
    try {
      logCloser.close();
    } catch (Exception e) {
      LOG.warn("closing the event log: {}", e.toString());
    }
  }
}
