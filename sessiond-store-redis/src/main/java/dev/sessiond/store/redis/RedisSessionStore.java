package dev.sessiond.store.redis;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.store.SessionStore;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in Redis or Redis Cluster. Keys ({@code g} is the generation, {@code {…}} a hash tag):
 *
 * <pre>
 * {sd}:gen               STRING  generation g; POST /sessions/clear increments it        INCR (in a script)
 * sd:t:&lt;tokenHash&gt;       HASH    id uid th profile created last exp deadline ip ua gen   HSET + PEXPIREAT exp
 *                                verify = HGETALL sd:t:&lt;h&gt; + GET {sd}:gen, one round trip
 * sd:i:&lt;sessionId&gt;       STRING  tokenHash                                             SET PXAT exp
 * sd:u:{&lt;userId&gt;}:g      ZSET    sessionId -&gt; exp ms (a user's sessions)               ZADD; PEXPIREAT deadline
 * {sd}:all:g             ZSET    sessionId, score 0: keyset pages                      ZRANGE BYLEX (after + LIMIT
 * {sd}:users:g           ZSET    userId, score 0: keyset pages of users                ZRANGE BYLEX
 * {sd}:exp:g             ZSET    "userId sessionId" -&gt; exp ms: what purge removes       ZRANGEBYSCORE -inf now
 * </pre>
 *
 * Expiry is Redis's own: token and ID keys carry their deadline (PXAT) and vanish with it, so
 * verification needs no sweep. Purge only walks the entries of {@code {sd}:exp:g} that are
 * already due, and removes them from the indexes, so no index keeps stale entries. Clear is one
 * script on the {@code {sd}} slot that counts the live sessions and increments the generation:
 * from then on every node refuses every older session (verify compares generations), and the
 * old keys are deleted in the background. Per-user keys share the user's hash tag. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {

  static final String GEN = "{sd}:gen";
  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
  private static final String CREATE = "redis.call('HSET', KEYS[1], unpack(ARGV, 2)) "
      + "redis.call('PEXPIREAT', KEYS[1], ARGV[1]) return 1";
  // ARGV: score, session ID, the session's deadline (ms), now (ms): the user's key lives as long as its longest session.
  private static final String USER_ADD = "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) "
      + "local left = redis.call('PTTL', KEYS[1]) "
      + "if left < 0 or tonumber(ARGV[4]) + left < tonumber(ARGV[3]) then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end return 1";
  private static final String TOUCH = "if redis.call('EXISTS', KEYS[1]) == 1 then "
      + "redis.call('HSET', KEYS[1], 'last', ARGV[1], 'exp', ARGV[2]) redis.call('PEXPIREAT', KEYS[1], ARGV[2]) return 1 end return 0";
  private static final String SET_PROFILE = "if redis.call('EXISTS', KEYS[1]) == 1 then "
      + "redis.call('HSET', KEYS[1], 'profile', ARGV[1]) return 1 end return 0";
  private static final String CLEAR = "if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return -1 end "
      + "local n = redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[2], '+inf') redis.call('INCR', KEYS[1]) return n";
  private static final int BATCH = 1000;

  private final RedisConnection redis;
  private final Clock clock;

  public RedisSessionStore(RedisConnection redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  static String tok(String hash) {
    return "sd:t:" + hash;
  }

  static String idKey(String id) {
    return "sd:i:" + id;
  }

  static String user(String uid, long g) {
    return "sd:u:{" + uid + "}:" + g;
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

  @Override
  public CompletionStage<Void> create(Session s) {
    return gen().thenCompose(g -> redis.run("create a session", c -> {
      long exp = s.expiresAt().toEpochMilli();
      Map<String, String> fields = Codec.fields(s, g);
      String[] args = new String[1 + fields.size() * 2];
      args[0] = Long.toString(exp);
      int i = 1;
      for (Map.Entry<String, String> e : fields.entrySet()) {
        args[i++] = e.getKey();
        args[i++] = e.getValue();
      }
      return CompletableFuture.allOf(
          c.<Long>eval(CREATE, ScriptOutputType.INTEGER, new String[] {tok(s.tokenHash())}, args).toCompletableFuture(),
          c.set(idKey(s.id()), s.tokenHash(), SetArgs.Builder.pxAt(exp)).toCompletableFuture(),
          c.<Long>eval(USER_ADD, ScriptOutputType.INTEGER, new String[] {user(s.userId(), g)},
              Long.toString(exp), s.id(), Long.toString(s.deadline().toEpochMilli()), Long.toString(clock.millis()))
              .toCompletableFuture(),
          c.zadd(all(g), 0, s.id()).toCompletableFuture(),
          c.zadd(users(g), 0, s.userId()).toCompletableFuture(),
          c.zadd(exp(g), exp, s.userId() + " " + s.id()).toCompletableFuture());
    }));
  }

  @Override
  public CompletionStage<Optional<Session>> findByTokenHash(String tokenHash) {
    return redis.run("verify a session", c -> {
      CompletableFuture<Map<String, String>> fields = c.hgetall(tok(tokenHash)).toCompletableFuture();
      CompletableFuture<String> g = c.get(GEN).toCompletableFuture();
      return fields.thenCombine(g, (f, gen) -> live(f, gen == null ? "0" : gen));
    });
  }

  private Optional<Session> live(Map<String, String> f, String gen) {
    if (f == null || f.isEmpty() || !gen.equals(f.get("gen"))) {
      return Optional.empty();
    }
    Session s = Codec.session(f);
    return s.isExpiredAt(clock.instant()) ? Optional.empty() : Optional.of(s);
  }

  @Override
  public CompletionStage<Optional<Session>> findById(String id) {
    return redis.run("find a session", c -> c.get(idKey(id))).thenCompose(hash -> hash == null
        ? completedFuture(Optional.<Session>empty())
        : findByTokenHash(hash).thenApply(s -> s.filter(found -> found.id().equals(id))));
  }

  @Override
  public CompletionStage<Void> touch(Session t) {
    String last = Long.toString(t.lastSeenAt().toEpochMilli());
    long exp = t.expiresAt().toEpochMilli();
    return gen().thenCompose(g -> redis.run("record session use", c -> CompletableFuture.allOf(
        c.<Long>eval(TOUCH, ScriptOutputType.INTEGER, new String[] {tok(t.tokenHash())}, last, Long.toString(exp))
            .toCompletableFuture(),
        c.pexpireat(idKey(t.id()), exp).toCompletableFuture(),
        c.zadd(user(t.userId(), g), io.lettuce.core.ZAddArgs.Builder.xx(), (double) exp, t.id()).toCompletableFuture(),
        c.zadd(exp(g), io.lettuce.core.ZAddArgs.Builder.xx(), (double) exp, t.userId() + " " + t.id())
            .toCompletableFuture())));
  }

  /** A session's keys, enough to remove it everywhere. */
  private record Ref(String id, String userId, String tokenHash) {}

  @Override
  public CompletionStage<Integer> delete(String id) {
    return findById(id).thenCompose(found -> found.isEmpty()
        ? completedFuture(0)
        : gen().thenCompose(g -> remove(List.of(new Ref(id, found.get().userId(), found.get().tokenHash())), g)));
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId) {
    return gen().thenCompose(g -> refsOfUser(userId, g).thenCompose(refs -> remove(refs, g)
        .thenCompose(n -> redis.run("delete a user", c -> CompletableFuture.allOf(
            c.del(user(userId, g)).toCompletableFuture(),
            c.zrem(users(g), userId).toCompletableFuture())).thenApply(v -> n))));
  }

  private CompletableFuture<List<Ref>> refsOfUser(String userId, long g) {
    return redis.run("list a user's sessions", c -> c.zrange(user(userId, g), 0, -1)).thenCompose(ids -> refs(userId, ids));
  }

  private CompletableFuture<List<Ref>> refs(String userId, List<String> ids) {
    if (ids.isEmpty()) {
      return completedFuture(List.of());
    }
    return redis.run("find sessions", c -> c.mget(ids.stream().map(RedisSessionStore::idKey).toArray(String[]::new)))
        .thenApply(values -> {
          List<Ref> refs = new ArrayList<>();
          for (int i = 0; i < values.size(); i++) {
            if (values.get(i).hasValue()) {
              refs.add(new Ref(ids.get(i), userId, values.get(i).getValue()));
            }
          }
          return refs;
        });
  }

  /** Deletes sessions everywhere; returns how many were still live (their token key existed). */
  private CompletableFuture<Integer> remove(List<Ref> refs, long g) {
    if (refs.isEmpty()) {
      return completedFuture(0);
    }
    return redis.run("delete sessions", c -> {
      List<CompletableFuture<Long>> deleted = new ArrayList<>();
      for (Ref r : refs) {
        deleted.add(c.del(tok(r.tokenHash())).toCompletableFuture());
      }
      List<CompletableFuture<?>> rest = new ArrayList<>();
      rest.add(c.del(refs.stream().map(r -> idKey(r.id())).toArray(String[]::new)).toCompletableFuture());
      rest.add(c.zrem(all(g), refs.stream().map(Ref::id).toArray(String[]::new)).toCompletableFuture());
      rest.add(c.zrem(exp(g), refs.stream().map(r -> r.userId() + " " + r.id()).toArray(String[]::new)).toCompletableFuture());
      Map<String, List<String>> byUser = new HashMap<>();
      refs.forEach(r -> byUser.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r.id()));
      byUser.forEach((uid, ids) -> rest.add(c.zrem(user(uid, g), ids.toArray(String[]::new)).toCompletableFuture()
          .thenCompose(n -> c.zcard(user(uid, g))).thenCompose(left -> left == 0
              ? c.zrem(users(g), uid) : completedFuture(0L))));
      return CompletableFuture.allOf(deleted.toArray(CompletableFuture[]::new))
          .thenCombine(CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)), (a, b) ->
              (int) deleted.stream().mapToLong(CompletableFuture::join).sum());
    });
  }

  @Override
  public CompletionStage<Integer> deleteAll() {
    return gen().thenCompose(g -> redis.run("clear every session", c -> c.<Long>eval(CLEAR, ScriptOutputType.INTEGER,
        new String[] {GEN, exp(g)}, Long.toString(g), Long.toString(clock.millis()))).thenCompose(n -> {
          if (n < 0) {
            return deleteAll();   // another node cleared first: count again on the new generation
          }
          cleanUp(g);
          return completedFuture(n.intValue());
        }));
  }

  /** Deletes the keys of generation {@code g} in the background, a batch at a time. */
  private void cleanUp(long g) {
    redis.run("clean up a generation", c -> c.zrange(all(g), 0, BATCH - 1)).thenCompose(ids -> {
      if (ids.isEmpty()) {
        return redis.run("clean up a generation", c -> c.zrange(users(g), 0, BATCH - 1)).thenCompose(uids -> uids.isEmpty()
            ? redis.run("clean up a generation", c -> c.unlink(all(g), users(g), exp(g))).thenApply(n -> false)
            : redis.run("clean up a generation", c -> CompletableFuture.allOf(
                c.unlink(uids.stream().map(u -> user(u, g)).toArray(String[]::new)).toCompletableFuture(),
                c.zrem(users(g), uids.toArray(String[]::new)).toCompletableFuture())).thenApply(v -> true));
      }
      return redis.run("clean up a generation", c -> c.mget(ids.stream().map(RedisSessionStore::idKey).toArray(String[]::new)))
          .thenCompose(values -> redis.run("clean up a generation", c -> {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
              keys.add(idKey(ids.get(i)));
              if (values.get(i).hasValue()) {
                keys.add(tok(values.get(i).getValue()));
              }
            }
            return CompletableFuture.allOf(c.unlink(keys.toArray(String[]::new)).toCompletableFuture(),
                c.zrem(all(g), ids.toArray(String[]::new)).toCompletableFuture());
          })).thenApply(v -> true);
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
          return sessions(wanted).thenApply(found -> found.stream().limit(limit).toList());
        });
      }
      return page(g, after, limit, new ArrayList<>());
    });
  }

  private CompletableFuture<List<Session>> page(long g, String after, int limit, List<Session> acc) {
    Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after),
        Range.Boundary.unbounded());
    int want = limit - acc.size();
    return redis.run("list sessions", c -> c.zrangebylex(all(g), range, Limit.create(0, want))).thenCompose(ids ->
        sessions(ids).thenCompose(found -> {
          acc.addAll(found);
          if (ids.size() < want || acc.size() >= limit) {
            return completedFuture(acc);
          }
          return page(g, ids.get(ids.size() - 1), limit, acc);
        }));
  }

  /** The live sessions of these IDs, in the same order. */
  private CompletableFuture<List<Session>> sessions(List<String> ids) {
    if (ids.isEmpty()) {
      return completedFuture(List.of());
    }
    List<CompletableFuture<Optional<Session>>> all = ids.stream().map(id -> findById(id).toCompletableFuture()).toList();
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
    String now = "(" + clock.millis();
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
    String json = Codec.json(profile);
    return gen().thenCompose(g -> refsOfUser(userId, g)).thenCompose(refs -> redis.run("update profiles", c -> {
      List<CompletableFuture<Long>> changed = refs.stream().map(r -> c.<Long>eval(SET_PROFILE, ScriptOutputType.INTEGER,
          new String[] {tok(r.tokenHash())}, json).toCompletableFuture()).toList();
      return CompletableFuture.allOf(changed.toArray(CompletableFuture[]::new))
          .thenApply(v -> (int) changed.stream().mapToLong(CompletableFuture::join).sum());
    }));
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
    return gen().thenCompose(g -> redis.run("find expired sessions", c -> c.zrangebyscore(exp(g),
        Range.create(Double.NEGATIVE_INFINITY, (double) clock.millis()), Limit.create(0, BATCH)))
        .thenCompose(members -> redis.run("purge expired sessions", c -> {
          List<CompletableFuture<Long>> won = members.stream()
              .map(m -> c.zrem(exp(g), m).toCompletableFuture()).toList();
          return CompletableFuture.allOf(won.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Expired> mine = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
              if (won.get(i).join() > 0) {
                String[] parts = members.get(i).split(" ", 2);
                mine.add(new Expired(parts[1], parts[0]));
              }
            }
            return mine;
          });
        })).thenCompose(expired -> {
          if (expired.isEmpty()) {
            return completedFuture(expired);
          }
          List<Ref> refs = expired.stream().map(e -> new Ref(e.id(), e.userId(), "-")).toList();
          return remove(refs, g).thenApply(n -> expired);
        }));
  }

  @Override
  public CompletionStage<Void> ping() {
    return redis.ping();
  }

  @Override
  public void close() {}

}
