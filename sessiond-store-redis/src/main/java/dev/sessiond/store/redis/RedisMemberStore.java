package dev.sessiond.store.redis;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Member;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.store.MemberStore;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Members in Redis. Keys:
 *
 * <pre>
 * sd:m:&lt;id&gt;          HASH  id username hash profile created      HSET first; by script (only if present) for updates
 * {sd}:musers        HASH  username -&gt; id: uniqueness            HSETNX after the member's hash (DEL it when taken)
 * {sd}:mids          ZSET  id, score 0: pages in ID order         ZADD / ZRANGE offset
 * </pre>
 *
 * Thread-safe.
 */
public final class RedisMemberStore implements MemberStore {

  private static final String USERNAMES = "{sd}:musers";
  private static final String IDS = "{sd}:mids";
  private static final String UPDATE = "if redis.call('EXISTS', KEYS[1]) == 1 then "
      + "redis.call('HSET', KEYS[1], unpack(ARGV)) return 1 end return 0";

  private final RedisConnection redis;

  public RedisMemberStore(RedisConnection redis) {
    this.redis = redis;
  }

  static String key(String id) {
    return "sd:m:" + id;
  }

  /**
   * The member's hash first, then the username (HSETNX, the step that decides), then the ID
   * index: whoever finds the username taken also finds the member it names, so that nodes
   * racing to create the same member (an admin at start) all see the winner at once.
   */
  @Override
  public CompletionStage<Void> create(Member m) {
    return redis.run("create a member", c -> c.hset(key(m.id()), Codec.fields(m)))
        .thenCompose(ignored -> redis.run("create a member", c -> c.hsetnx(USERNAMES, m.username(), m.id())))
        .thenCompose(fresh -> fresh
            ? redis.run("create a member", c -> c.zadd(IDS, 0, m.id())).<Void>thenApply(n -> null)
            : redis.run("create a member", c -> c.del(key(m.id()))).<Void>thenApply(n -> {
              throw new SessiondException.Conflict("username is taken");
            }));
  }

  @Override
  public CompletionStage<Optional<Member>> findById(String id) {
    return redis.run("find a member", c -> c.hgetall(key(id)))
        .thenApply(f -> f == null || f.isEmpty() ? Optional.<Member>empty() : Optional.of(Codec.member(f)));
  }

  @Override
  public CompletionStage<Optional<Member>> findByUsername(String username) {
    return redis.run("find a member", c -> c.hget(USERNAMES, username)).thenCompose(id -> id == null
        ? completedFuture(Optional.<Member>empty())
        : findById(id));
  }

  @Override
  public CompletionStage<List<Member>> list(int offset, int limit) {
    return redis.run("list members", c -> c.zrange(IDS, offset, (long) offset + limit - 1)).thenCompose(ids -> {
      List<CompletableFuture<Optional<Member>>> all = ids.stream().map(id -> findById(id).toCompletableFuture()).toList();
      return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .thenApply(v -> all.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
    });
  }

  @Override
  public CompletionStage<Integer> update(Member m) {
    Map<String, String> fields = Codec.fields(m);
    String[] args = fields.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
        .toArray(String[]::new);
    return redis.run("update a member", c -> c.<Long>eval(UPDATE, ScriptOutputType.INTEGER, new String[] {key(m.id())}, args))
        .thenApply(Long::intValue);
  }

  @Override
  public CompletionStage<Integer> delete(String id) {
    return findById(id).thenCompose(found -> found.isEmpty()
        ? completedFuture(0)
        : redis.run("delete a member", c -> c.del(key(id)).toCompletableFuture().thenCompose(n ->
            CompletableFuture.allOf(c.hdel(USERNAMES, found.get().username()).toCompletableFuture(),
                c.zrem(IDS, id).toCompletableFuture()).thenApply(v -> n.intValue()))));
  }

  @Override
  public CompletionStage<Long> count() {
    return redis.run("count members", c -> c.zcard(IDS));
  }

  @Override
  public void close() {}
}
