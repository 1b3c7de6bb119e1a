package dev.sessiond.store.redis;

import dev.sessiond.core.identity.IdentityStore;
import dev.sessiond.core.identity.ProviderSession;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Provider sessions and used logout token IDs in Redis. Every command and script touches one key,
 * so a Cluster spreads them over its masters with no cross-slot call; each key's hash tag is its
 * own variable part ({@code P}, {@code S}, {@code U}: the provider's name, sid and sub in
 * base64url, so that no value can end a tag or collide with another):
 *
 * <pre>
 * sd:idp:session:{ * sd:idp:session:{&lt;session id&gt;}   STRINGlt;session id, base64url * sd:idp:session:{&lt;session id&gt;}   STRINGgt;}   STRING "P\nsid\nsub\nidToken"   PXAT the link's expiry
 * sd:idp:sid:{P.S}                ZSET   session id -&gt; expiry ms     PEXPIREAT its latest member's
 * sd:idp:sub:{P.U}                ZSET   session id -&gt; expiry ms     PEXPIREAT its latest member's
 * sd:idp:jti:{P.jti}              STRING "1"   SET NX PXAT the token's expiry (the atomic replay check)
 * </pre>
 *
 * A link is SET, then ZADDed to both sets by {@code INDEX} (which also drops members whose expiry
 * has passed and moves the key's own expiry forward); a read is ZRANGEBYSCORE from now. The three
 * writes of a link are not one transaction: a link half written by a node that died names a
 * session whose lookup by the missing key fails, which ends it on the next logout of the other
 * kind, or at its expiry. Thread-safe.
 */
public final class RedisIdentityStore implements IdentityStore {

  private static final String INDEX = """
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
      redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
      if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
      return 1
      """;
  private static final String LIVE = "return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')";

  private final RedisConnection redis;
  private final Clock clock;

  public RedisIdentityStore(RedisConnection redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Void> link(ProviderSession l) {
    long now = clock.millis();
    long until = l.expiresAt().toEpochMilli();
    if (until <= now) {
      return CompletableFuture.completedFuture(null);   // over already: nothing to find it by
    }
    String value = l.provider() + "\n" + (l.sid() == null ? "" : l.sid()) + "\n" + l.sub() + "\n"
        + (l.idToken() == null ? "" : l.idToken());
    String[] args = {l.sessionId(), Long.toString(until), Long.toString(now)};
    CompletionStage<Void> written = redis.run("link a provider session",
        c -> c.set(sessionKey(l.sessionId()), value, SetArgs.Builder.pxAt(until))).thenApply(ok -> null);
    if (l.sid() != null) {
      written = written.thenCompose(v -> redis.run("link a provider session",
          c -> c.<Long>eval(INDEX, ScriptOutputType.INTEGER, new String[] {sidKey(l.provider(), l.sid())}, args)))
          .thenApply(n -> null);
    }
    return written.thenCompose(v -> redis.run("link a provider session",
        c -> c.<Long>eval(INDEX, ScriptOutputType.INTEGER, new String[] {subKey(l.provider(), l.sub())}, args)))
        .thenApply(n -> null);
  }

  @Override
  public CompletionStage<Optional<ProviderSession>> find(String sessionId) {
    return redis.run("find a provider session", c -> c.get(sessionKey(sessionId))).thenCompose(value -> {
      if (value == null) {
        return CompletableFuture.completedFuture(Optional.<ProviderSession>empty());
      }
      return redis.run("find a provider session", c -> c.pexpiretime(sessionKey(sessionId))).thenApply(at -> {
        String[] parts = value.split("\n", 4);
        return at == null || at < 0 ? Optional.<ProviderSession>empty()
            : Optional.of(new ProviderSession(parts[0], parts[1], parts[2], sessionId,
                parts[3].isEmpty() ? null : parts[3], Instant.ofEpochMilli(at)));
      });
    });
  }

  @Override
  public CompletionStage<List<String>> sessionsOfSid(String provider, String sid) {
    return live(sidKey(provider, sid));
  }

  @Override
  public CompletionStage<List<String>> sessionsOfSub(String provider, String sub) {
    return live(subKey(provider, sub));
  }

  @Override
  public CompletionStage<Boolean> firstUse(String provider, String jti, Instant expiresAt) {
    long until = Math.max(expiresAt.toEpochMilli(), clock.millis() + 1000);
    return redis.run("remember a logout token",
        c -> c.set("sd:idp:jti:{" + b64(provider) + "." + b64(jti) + "}", "1", SetArgs.Builder.nx().pxAt(until)))
        .thenApply(ok -> "OK".equals(ok));
  }

  private CompletionStage<List<String>> live(String key) {
    String now = Long.toString(clock.millis());
    return redis.run("find a provider session's sessions",
        c -> c.<List<String>>eval(LIVE, ScriptOutputType.MULTI, new String[] {key}, now))
        .thenApply(List::copyOf);
  }

  private static String sessionKey(String sessionId) {
    return "sd:idp:session:{" + b64(sessionId) + "}";
  }

  private static String sidKey(String provider, String sid) {
    return "sd:idp:sid:{" + b64(provider) + "." + b64(sid) + "}";
  }

  private static String subKey(String provider, String sub) {
    return "sd:idp:sub:{" + b64(provider) + "." + b64(sub) + "}";
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
