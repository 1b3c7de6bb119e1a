package dev.sessiond.store.redis;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.keys.ApiKey;
import dev.sessiond.core.keys.ApiKeyStore;
import dev.sessiond.core.keys.Scope;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * API keys in Redis, in one slot (a Cluster keeps both hashes on one master):
 *
 * <pre>
 * {sd}:keys      HASH  id -&gt; "hash\nscopes\ncreated ms\nname"   (scopes: wire names, space-separated)
 * {sd}:keyhash   HASH  hash of the secret -&gt; id
 * </pre>
 *
 * Both change together in one script. Thread-safe.
 */
public final class RedisApiKeyStore implements ApiKeyStore {

  private static final String[] KEYS = {"{sd}:keys", "{sd}:keyhash"};
  private static final String CREATE = """
      if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
      redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
      return 1
      """;
  private static final String FIND = """
      local id = redis.call('HGET', KEYS[2], ARGV[1])
      if not id then return {} end
      local v = redis.call('HGET', KEYS[1], id)
      if not v then return {} end
      return {id, v}
      """;
  private static final String DELETE = """
      local v = redis.call('HGET', KEYS[1], ARGV[1])
      if not v then return 0 end
      redis.call('HDEL', KEYS[2], string.match(v, '^[^\\n]*'))
      redis.call('HDEL', KEYS[1], ARGV[1])
      return 1
      """;

  private final RedisConnection redis;

  public RedisApiKeyStore(RedisConnection redis) {
    this.redis = redis;
  }

  @Override
  public CompletionStage<Void> create(ApiKey k) {
    String value = k.keyHash() + "\n" + k.scopes().stream().map(Scope::wire).sorted().collect(Collectors.joining(" "))
        + "\n" + k.createdAt().toEpochMilli() + "\n" + k.name();
    return redis.run("create an API key", c -> c.<Long>eval(CREATE, ScriptOutputType.INTEGER, KEYS, k.id(), k.keyHash(), value))
        .thenApply(created -> {
          if (created == 0) {
            throw new SessiondException.Conflict("API key ID or secret is taken");
          }
          return null;
        });
  }

  @Override
  public CompletionStage<Optional<ApiKey>> findByHash(String keyHash) {
    return redis.run("find an API key", c -> c.<List<Object>>eval(FIND, ScriptOutputType.MULTI, KEYS, keyHash))
        .thenApply(r -> r.isEmpty() ? Optional.<ApiKey>empty() : Optional.of(key((String) r.get(0), (String) r.get(1))));
  }

  @Override
  public CompletionStage<List<ApiKey>> list() {
    return redis.run("list API keys", c -> c.hgetall(KEYS[0])).thenApply((Map<String, String> all) -> all.entrySet().stream()
        .map(e -> key(e.getKey(), e.getValue())).sorted((a, b) -> a.id().compareTo(b.id())).toList());
  }

  @Override
  public CompletionStage<Integer> delete(String id) {
    return redis.run("delete an API key", c -> c.<Long>eval(DELETE, ScriptOutputType.INTEGER, KEYS, id))
        .thenApply(Long::intValue);
  }

  private static ApiKey key(String id, String value) {
    String[] parts = value.split("\n", 4);
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    Arrays.stream(parts[1].split(" ")).map(Scope::ofWire).filter(s -> s != null).forEach(scopes::add);
    return new ApiKey(id, parts[3], scopes, parts[0], Instant.ofEpochMilli(Long.parseLong(parts[2])));
  }
}
