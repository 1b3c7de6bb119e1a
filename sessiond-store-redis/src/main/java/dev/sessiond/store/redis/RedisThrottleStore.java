package dev.sessiond.store.redis;

import dev.sessiond.core.throttle.ThrottleRule;
import dev.sessiond.core.throttle.ThrottleStore;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;

/**
 * Throttle keys in Redis, shared by every node. A key is named by the first 16 bytes of the
 * SHA-256 of its text (which holds a username as typed: sometimes a password typed in the wrong
 * field, which Redis should not show), and holds {@link ThrottleRule}'s state. Keys:
 *
 * <pre>
 * sd:th:&lt;sha&gt;   STRING  "&lt;d&gt; &lt;t&gt;": ms when the score is back to zero, ms of the last counted attempt
 *                          attempt: GET, then SET ... PX (d - now) if counted    (one script)
 *                          refund:  GET, then SET ... PX, or DEL once d &lt;= now  (one script)
 *                          forget:  DEL
 * </pre>
 *
 * Each script touches one key, so any key may live on any slot of a Cluster. The key expires when
 * its score reaches zero, so Redis holds only keys that still slow someone. Times are the calling
 * node's clock (nodes' clocks should agree to well under a second; a clock ahead only shortens
 * an elapsed time, which is never taken below zero). Thread-safe.
 */
public final class RedisThrottleStore implements ThrottleStore {

  /** ThrottleRule#waitMillis and #counted, in Lua; ARGV: now, free, decay, base, cap (ms). */
  private static final String ATTEMPT = """
      local now, free, decay, base, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
        tonumber(ARGV[4]), tonumber(ARGV[5])
      local d, t = now, now
      local v = redis.call('GET', KEYS[1])
      if v then
        local a, b = string.match(v, '^(%d+) (%d+)$')
        if a and tonumber(a) > now then d, t = tonumber(a), tonumber(b) end
      end
      local bound = (free - 1) * decay
      if d - now > bound then
        local above = math.max(0, math.floor((d - t) / decay) - free)
        local wait = cap
        if above < 40 then wait = math.min(cap, base * 2 ^ above) end
        local elapsed = math.max(0, now - t)
        if elapsed < wait then return math.min(wait - elapsed, d - now - bound) end
      end
      d = math.max(d, now) + decay
      redis.call('SET', KEYS[1], string.format('%d %d', d, now), 'PX', string.format('%d', d - now))
      return 0
      """;
  /** ARGV: now, decay (ms). */
  private static final String REFUND = """
      local v = redis.call('GET', KEYS[1])
      if not v then return 0 end
      local a, b = string.match(v, '^(%d+) (%d+)$')
      if not a then return redis.call('DEL', KEYS[1]) end
      local now = tonumber(ARGV[1])
      local d = tonumber(a) - tonumber(ARGV[2])
      if d <= now then return redis.call('DEL', KEYS[1]) end
      redis.call('SET', KEYS[1], string.format('%d %s', d, b), 'PX', string.format('%d', d - now))
      return 1
      """;

  private final RedisConnection redis;
  private final Clock clock;

  public RedisThrottleStore(RedisConnection redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Duration> attempt(String key, ThrottleRule rule) {
    String[] keys = {key(key)};
    return redis.run("count a login attempt", c -> c.<Long>eval(ATTEMPT, ScriptOutputType.INTEGER, keys,
        Long.toString(clock.millis()), Integer.toString(rule.free()), Long.toString(rule.decay().toMillis()),
        Long.toString(rule.base().toMillis()), Long.toString(rule.cap().toMillis()))).thenApply(Duration::ofMillis);
  }

  @Override
  public CompletionStage<Void> refund(String key, ThrottleRule rule) {
    String[] keys = {key(key)};
    return redis.run("give back a login attempt", c -> c.<Long>eval(REFUND, ScriptOutputType.INTEGER, keys,
        Long.toString(clock.millis()), Long.toString(rule.decay().toMillis()))).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> forget(String key) {
    return redis.run("forget login attempts", c -> c.del(key(key))).thenApply(n -> null);
  }

  static String key(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sd:th:" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
