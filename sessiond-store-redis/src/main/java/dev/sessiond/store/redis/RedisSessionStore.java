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
 * Sessions and their event log in Redis or Redis Cluster. Keys ({@code g} is the generation,
 * {@code P} the prefix {@code {sd}:}; a "tree" is a directory ZSET of bucket lower bounds plus
 * buckets {@code <tree>:<lower bound>}, HASHes of at most {@link Scripts#BUCKET} fields, the first
 * bucket's bound being the empty string):
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
 * <p>Every change is one Lua script ({@link Scripts}) that makes the change and appends its
 * event to {@code P log}, so Redis applies both or neither. A script may only touch keys of
 * one hash slot on a Cluster, and the log is one ordered Stream, so every key shares the hash
 * tag {@code {sd}}: on a Cluster all of sessiond's data lives on one master (and its replicas).
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
 * value and the user tree's entry). Clear is one O(1) script that reads the session count,
 * increments the generation and logs one event: from then on every node refuses every older
 * session (verify compares generations), and the old keys are deleted in the background. Keys of
 * earlier layouts ({@code {sd}:s:}, {@code {sd}:all:g}, ...) are never read. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {

  static final String GEN = Scripts.PREFIX + "gen";
  private static final String[] KEYS = {GEN};
  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
  private static final int BATCH = 1000;

  private final RedisConnection redis;
  private final Clock clock;
  private final StreamLog log;

  public RedisSessionStore(RedisConnection redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
    this.log = new StreamLog(redis);
    forgetPreviousLayout();
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

  static String tok(String hash) {
    return Scripts.PREFIX + "k:" + hash;
  }

  /** Runs a script by its SHA-1, sending its text only when Redis does not have it yet. */
  private <T> CompletableFuture<T> script(String what, String script, ScriptOutputType type, List<String> args) {
    String[] argv = args.toArray(String[]::new);
    String sha = Scripts.sha(script);
    return redis.run(what, c -> c.<T>evalsha(sha, type, KEYS, argv).toCompletableFuture()
        .exceptionallyCompose(e -> noScript(e) ? c.<T>eval(script, type, KEYS, argv) : CompletableFuture.failedFuture(e)));
  }

  private static boolean noScript(Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    return cause instanceof io.lettuce.core.RedisNoScriptException
        || (cause != null && cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
  }

  private List<String> head(long nowMillis, String... more) {
    List<String> args = new ArrayList<>();
    args.add(Long.toString(nowMillis));
    args.addAll(List.of(more));
    return args;
  }

  @Override
  public CompletionStage<Void> create(Session s, Actor actor) {
    long now = clock.millis();
    List<String> args = head(now, s.id(), s.userId(), s.tokenHash(), Long.toString(s.expiresAt().toEpochMilli()),
        Long.toString(s.lastSeenAt().toEpochMilli()), Codec.body(s));
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_CREATED, Instant.ofEpochMilli(now), null, null, null, null, actor)));
    args.addAll(List.of("s", s.id(), "u", s.userId()));
    return this.<String>script("create a session", Scripts.CREATE, ScriptOutputType.VALUE, args).thenApply(id -> null);
  }

  @Override
  public CompletionStage<Optional<Session>> findByTokenHash(String tokenHash) {
    return redis.run("verify a session", c -> {
      CompletableFuture<String> value = c.get(tok(tokenHash)).toCompletableFuture();
      CompletableFuture<String> g = c.get(GEN).toCompletableFuture();
      return value.thenCombine(g, (v, gen) -> live(tokenHash, v, gen == null ? "0" : gen));
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
    return this.<List<Object>>script("find a session", Scripts.FIND, ScriptOutputType.MULTI, List.of(id))
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
    return this.<Long>script("record session use", Scripts.TOUCH, ScriptOutputType.INTEGER, List.of(t.tokenHash(), t.id(),
        t.userId(), Long.toString(t.lastSeenAt().toEpochMilli()), Long.toString(t.expiresAt().toEpochMilli())))
        .thenApply(n -> null);
  }

  private List<String> revocation(long now, String id, Actor actor, String reason) {
    List<String> args = head(now, id);
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_REVOKED, Instant.ofEpochMilli(now), null, null, null, reason, actor)));
    return args;
  }

  @Override
  public CompletionStage<Integer> delete(String id, Actor actor, String reason) {
    return this.<Long>script("delete a session", Scripts.DELETE, ScriptOutputType.INTEGER,
        revocation(clock.millis(), id, actor, reason)).thenApply(Long::intValue);
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId, Actor actor, String reason) {
    return this.<Long>script("delete a user's sessions", Scripts.DELETE_USER, ScriptOutputType.INTEGER,
        revocation(clock.millis(), userId, actor, reason)).thenApply(Long::intValue);
  }

  @Override
  public CompletionStage<Integer> deleteAll(Actor actor) {
    long now = clock.millis();
    List<String> args = head(now);
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_REVOKED, Instant.ofEpochMilli(now), null, null, null,
        Reasons.CLEAR, actor)));
    return this.<List<Object>>script("clear every session", Scripts.CLEAR, ScriptOutputType.MULTI, args).thenApply(r -> {
      cleanUp(((Number) r.get(1)).longValue());
      return ((Number) r.get(0)).intValue();
    });
  }

  @Override
  public CompletionStage<Void> disconnected(String sessionId, String userId, Actor actor) {
    long now = clock.millis();
    List<String> args = head(now);
    args.addAll(StreamLog.fields(Event.of(Event.Type.SESSION_DISCONNECTED, Instant.ofEpochMilli(now), null, null, null, null,
        actor)));
    args.addAll(List.of("s", sessionId, "u", userId));
    return this.<String>script("log a disconnect", Scripts.LOG, ScriptOutputType.VALUE, args).thenApply(id -> null);
  }

  /** Deletes the keys of generation {@code g} in the background, a bucket at a time. */
  private void cleanUp(long g) {
    this.<Long>script("clean up a generation", Scripts.CLEAN_UP, ScriptOutputType.INTEGER, List.of(Long.toString(g)))
        .whenComplete((more, e) -> {
          if (e != null) {
            LOG.warn("cleaning up cleared sessions stopped (their keys expire on their own): {}", e.getMessage());
          } else if (more == 1) {
            cleanUp(g);
          }
        });
  }

  @Override
  public CompletionStage<List<Session>> list(String userId, String after, int limit) {
    return this.<List<Object>>script("list sessions", Scripts.LIST, ScriptOutputType.MULTI, List.of(
        Long.toString(clock.millis()), after == null ? "" : after, Integer.toString(limit), userId == null ? "" : userId))
        .thenApply(this::sessions);
  }

  @Override
  public CompletionStage<List<String>> listUsers(String after, int limit) {
    return this.<List<Object>>script("list users", Scripts.USERS, ScriptOutputType.MULTI, List.of(
        Long.toString(clock.millis()), after == null ? "" : after, Integer.toString(limit)))
        .thenApply(r -> r.stream().map(String.class::cast).toList());
  }

  @Override
  public CompletionStage<Integer> updateProfile(String userId, Profile profile) {
    return this.<Long>script("update profiles", Scripts.SET_PROFILE, ScriptOutputType.INTEGER,
        List.of(Codec.compact(profile), userId)).thenApply(Long::intValue);
  }

  @Override
  public CompletionStage<Counts> counts() {
    return this.<List<Object>>script("count sessions", Scripts.COUNTS, ScriptOutputType.MULTI, List.of())
        .thenApply(r -> new Counts(((Number) r.get(0)).longValue(), ((Number) r.get(1)).longValue()));
  }

  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    return purge(new ArrayList<>());
  }

  private CompletableFuture<List<Expired>> purge(List<Expired> acc) {
    return this.<List<Object>>script("purge expired sessions", Scripts.PURGE, ScriptOutputType.MULTI,
        List.of(Long.toString(clock.millis()), Integer.toString(BATCH))).thenCompose(r -> {
          for (int i = 0; i + 1 < r.size(); i += 2) {
            acc.add(new Expired((String) r.get(i + 1), (String) r.get(i)));
          }
          return r.size() / 2 < BATCH ? completedFuture(acc) : purge(acc);
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
    log.close();
  }
}
