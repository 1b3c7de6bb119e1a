package dev.sessiond.store.redis;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.SessionStore;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
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
 * Sessions and their event log in Redis or Redis Cluster. Keys ({@code g} is the generation):
 *
 * <pre>
 * {sd}:gen               STRING  generation g; POST /sessions/clear increments it        INCR (in a script)
 * {sd}:s:&lt;tokenHash&gt;     STRING "g last exp\n[id,uid,created,deadline,ip,ua]\n[profile values]"   SET PXAT exp
 *                                (see Codec#body); verify = GET {sd}:s:&lt;h&gt; + GET {sd}:gen, one round trip
 * {sd}:u:&lt;userId&gt;:g      ZSET    sessionId -&gt; exp ms (a user's sessions)               ZADD; PEXPIREAT deadline
 * {sd}:all:g             ZSET    "sessionId tokenHash", score 0: keyset pages, and an   ZRANGE BYLEX (after + LIMIT)
 *                                ID's token hash (BYLEX from "[id " to "(id!", LIMIT 0 1)
 * {sd}:users:g           ZSET    userId, score 0: keyset pages of users                ZRANGE BYLEX
 * {sd}:exp:g             ZSET    "userId sessionId" -&gt; exp ms: what purge removes       ZRANGEBYSCORE -inf now
 * {sd}:log               STREAM  the event log (fields: see StreamLog)                  XADD in each change's script;
 *                                read XRANGE (after, +), follow XREAD BLOCK, trim XTRIM MINID
 * </pre>
 *
 * <p>Every change is one Lua script ({@link Scripts}) that makes the change and appends its
 * event to {@code {sd}:log}, so Redis applies both or neither. A script may only touch keys of
 * one hash slot on a Cluster, and the log is one ordered Stream, so every key shares the hash
 * tag {@code {sd}}: on a Cluster all of sessiond's data lives on one master (and its
 * replicas). A Cluster thus buys failover, not more memory or throughput; before the log, every
 * request touched the {@code {sd}} slot anyway (the generation on each verify, the indexes on
 * each write).
 *
 * <p>Memory: a session's value is one compact string, not a hash with field names and a
 * profile object (a hash whose profile passes 64 bytes leaves the listpack encoding and cost
 * 950 bytes a session; the string costs about 300 with its key). Scripts change the numbers
 * at its front with plain string patterns and read the user ID with {@code cjson}. (Before,
 * sessions were hashes under {@code {sd}:t:}; the new prefix leaves those to expire unread.)
 *
 * <p>Expiry is Redis's own: token keys carry their deadline (PXAT) and vanish with it,
 * so verification needs no sweep. Purge walks only the entries of {@code {sd}:exp:g} that are
 * due, removes them from the indexes and logs each as expired, once across all nodes. Clear is
 * one O(1) script that counts the live sessions, increments the generation and logs one event:
 * from then on every node refuses every older session (verify compares generations), and the
 * old keys are deleted in the background. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {

  static final String GEN = "{sd}:gen";
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
  }

  static String tok(String hash) {
    return "{sd}:s:" + hash;
  }

  /** A session's member of {@code all:g}: its ID, a space, its token hash (neither holds a space). */
  private static String idOf(String member) {
    return member.substring(0, member.indexOf(' '));
  }

  private static String tokenHashOf(String member) {
    return member.substring(member.indexOf(' ') + 1);
  }

  static String user(String uid, long g) {
    return "{sd}:u:" + uid + ":" + g;
  }

  static String all(long g) {
    return "{sd}:all:" + g;
  }

  static String users(long g) {
    return "{sd}:users:" + g;
  }

  static String exp(long g) {
    return "{sd}:exp:" + g;
  }

  private CompletableFuture<Long> gen() {
    return redis.run("read the generation", c -> c.get(GEN)).thenApply(v -> v == null ? 0L : Long.parseLong(v));
  }

  private <T> CompletableFuture<T> script(String what, String script, ScriptOutputType type, List<String> args) {
    return redis.run(what, c -> c.<T>eval(script, type, KEYS, args.toArray(String[]::new)));
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
        Long.toString(s.deadline().toEpochMilli()), Long.toString(s.lastSeenAt().toEpochMilli()), Codec.body(s));
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
    return gen().thenCompose(g -> byIds(g, List.of(id))).thenApply(found -> found.stream().findFirst());
  }

  /** The live sessions of these IDs, in the same order: each ID's member of {@code all:g}, then its token key. */
  private CompletableFuture<List<Session>> byIds(long g, List<String> ids) {
    if (ids.isEmpty()) {
      return completedFuture(List.of());
    }
    return redis.run("find sessions", c -> {
      List<CompletableFuture<List<String>>> found = ids.stream().map(id -> c.zrangebylex(all(g),
          Range.from(Range.Boundary.including(id + " "), Range.Boundary.excluding(id + "!")), Limit.create(0, 1))
          .toCompletableFuture()).toList();
      return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new))
          .thenApply(v -> found.stream().flatMap(f -> f.join().stream()).toList());
    }).thenCompose(this::sessions);
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

  /** Deletes the keys of generation {@code g} in the background, a batch at a time. */
  private void cleanUp(long g) {
    redis.run("clean up a generation", c -> c.zrange(all(g), 0, BATCH - 1)).thenCompose(members -> {
      if (members.isEmpty()) {
        return redis.run("clean up a generation", c -> c.zrange(users(g), 0, BATCH - 1)).thenCompose(uids -> uids.isEmpty()
            ? redis.run("clean up a generation", c -> c.unlink(all(g), users(g), exp(g))).thenApply(n -> false)
            : redis.run("clean up a generation", c -> CompletableFuture.allOf(
                c.unlink(uids.stream().map(u -> user(u, g)).toArray(String[]::new)).toCompletableFuture(),
                c.zrem(users(g), uids.toArray(String[]::new)).toCompletableFuture())).thenApply(v -> true));
      }
      return redis.run("clean up a generation", c -> CompletableFuture.allOf(
          c.unlink(members.stream().map(m -> tok(tokenHashOf(m))).toArray(String[]::new)).toCompletableFuture(),
          c.zrem(all(g), members.toArray(String[]::new)).toCompletableFuture())).thenApply(v -> true);
    }).whenComplete((more, e) -> {
      if (e != null) {
        LOG.warn("cleaning up cleared sessions stopped (their keys expire on their own): {}", e.getMessage());
      } else if (more) {
        cleanUp(g);
      }
    });
  }

  @Override
  public CompletionStage<List<Session>> list(String userId, String after, int limit) {
    return gen().thenCompose(g -> {
      if (userId != null) {
        return redis.run("list a user's sessions", c -> c.zrange(user(userId, g), 0, -1)).thenCompose(ids -> {
          List<String> wanted = ids.stream().filter(id -> after == null || id.compareTo(after) > 0).sorted().toList();
          return byIds(g, wanted).thenApply(found -> found.stream().limit(limit).toList());
        });
      }
      return page(g, after, limit, new ArrayList<>());
    });
  }

  private CompletableFuture<List<Session>> page(long g, String after, int limit, List<Session> acc) {
    // Members are "id tokenHash": those of IDs after `after` start at after + "!" (IDs hold no character below '!').
    Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.including(after + "!"),
        Range.Boundary.unbounded());
    int want = limit - acc.size();
    return redis.run("list sessions", c -> c.zrangebylex(all(g), range, Limit.create(0, want))).thenCompose(members ->
        sessions(members).thenCompose(found -> {
          acc.addAll(found);
          if (members.size() < want || acc.size() >= limit) {
            return completedFuture(acc);
          }
          String last = members.get(members.size() - 1);
          return page(g, last.indexOf(' ') > 0 ? idOf(last) : last, limit, acc);
        }));
  }

  /** The live sessions of these {@code all:g} members, in the same order. */
  private CompletableFuture<List<Session>> sessions(List<String> members) {
    if (members.isEmpty()) {
      return completedFuture(List.of());
    }
    // A member without a space is a bare ID a version before the compact layout wrote: its session is not read.
    List<CompletableFuture<Optional<Session>>> all = members.stream().filter(m -> m.indexOf(' ') > 0)
        .map(m -> findByTokenHash(tokenHashOf(m))
        .toCompletableFuture().thenApply(s -> s.filter(found -> found.id().equals(idOf(m))))).toList();
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> all.stream()
        .map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }

  @Override
  public CompletionStage<List<String>> listUsers(String after, int limit) {
    return gen().thenCompose(g -> usersPage(g, after, limit, new ArrayList<>()));
  }

  private CompletableFuture<List<String>> usersPage(long g, String after, int limit, List<String> acc) {
    Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after),
        Range.Boundary.unbounded());
    int want = limit - acc.size();
    return redis.run("list users", c -> c.zrangebylex(users(g), range, Limit.create(0, want))).thenCompose(uids ->
        redis.run("list users", c -> {
          List<CompletableFuture<Long>> live = uids.stream()
              .map(u -> c.zcount(user(u, g), Range.from(Range.Boundary.excluding(clock.millis()), Range.Boundary.unbounded()))
                  .toCompletableFuture())
              .toList();
          return CompletableFuture.allOf(live.toArray(CompletableFuture[]::new)).thenApply(v -> live);
        }).thenCompose(live -> {
          List<String> gone = new ArrayList<>();
          for (int i = 0; i < uids.size(); i++) {
            (live.get(i).join() > 0 ? acc : gone).add(uids.get(i));
          }
          if (!gone.isEmpty()) {
            redis.run("forget users without sessions", c -> c.zrem(users(g), gone.toArray(String[]::new)));
          }
          if (uids.size() < want || acc.size() >= limit) {
            return completedFuture(acc);
          }
          return usersPage(g, uids.get(uids.size() - 1), limit, acc);
        }));
  }

  @Override
  public CompletionStage<Integer> updateProfile(String userId, Profile profile) {
    return this.<Long>script("update profiles", Scripts.SET_PROFILE, ScriptOutputType.INTEGER,
        List.of(Codec.compact(profile), userId)).thenApply(Long::intValue);
  }

  @Override
  public CompletionStage<Counts> counts() {
    return gen().thenCompose(g -> redis.run("count sessions", c -> {
      CompletableFuture<Long> sessions = c.zcount(exp(g),
          Range.from(Range.Boundary.excluding(clock.millis()), Range.Boundary.unbounded())).toCompletableFuture();
      CompletableFuture<Long> users = c.zcard(users(g)).toCompletableFuture();
      return sessions.thenCombine(users, Counts::new);
    }));
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
