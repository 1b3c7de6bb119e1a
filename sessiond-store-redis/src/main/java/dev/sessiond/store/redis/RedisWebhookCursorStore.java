package dev.sessiond.store.redis;

import dev.sessiond.core.webhooks.WebhookCursor;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Webhook cursors in Redis, shared by every node. A URL is named by the first 16 bytes of its
 * SHA-256 (a URL may carry a secret); both keys share a hash tag, so each script touches one
 * slot of a cluster. Keys:
 *
 * <pre>
 * {sd:wh:&lt;sha&gt;}:lease   STRING  the holding node's ID, expiring with the lease   SET PX / GET / DEL, by script
 * {sd:wh:&lt;sha&gt;}:pos     STRING  ID of the last event the URL acknowledged        SET (only by the holder, by script)
 * </pre>
 *
 * The lease runs on Redis's clock, so nodes' clocks need not agree. Thread-safe.
 */
public final class RedisWebhookCursorStore implements WebhookCursorStore {

  private static final String LEASE = "local h = redis.call('GET', KEYS[1]) "
      + "if h and h ~= ARGV[1] then return {0} end "
      + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
      + "local p = redis.call('GET', KEYS[2]) if p then return {1, p} end return {1}";
  private static final String ADVANCE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
      + "redis.call('SET', KEYS[2], ARGV[2]) return 1 end return 0";
  private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
      + "redis.call('DEL', KEYS[1]) end return 0";

  private final RedisConnection redis;

  public RedisWebhookCursorStore(RedisConnection redis) {
    this.redis = redis;
  }

  @Override
  public CompletionStage<Optional<WebhookCursor>> lease(String url, String node, Duration ttl) {
    return redis.run("lease a webhook", c -> c.<List<Object>>eval(LEASE, ScriptOutputType.MULTI, keys(url),
        node, Long.toString(Math.max(1, ttl.toMillis())))).thenApply(r -> ((Long) r.get(0)) == 0
            ? Optional.<WebhookCursor>empty()
            : Optional.of(new WebhookCursor(url, r.size() > 1 ? (String) r.get(1) : null)));
  }

  @Override
  public CompletionStage<Boolean> advance(String url, String node, String position) {
    return redis.run("move a webhook cursor", c -> c.<Long>eval(ADVANCE, ScriptOutputType.INTEGER, keys(url), node, position))
        .thenApply(n -> n == 1);
  }

  @Override
  public CompletionStage<Void> release(String url, String node) {
    return redis.run("release a webhook", c -> c.<Long>eval(RELEASE, ScriptOutputType.INTEGER, keys(url), node))
        .thenApply(n -> null);
  }

  private static String[] keys(String url) {
    String tag = "{sd:wh:" + sha(url) + "}";
    return new String[] {tag + ":lease", tag + ":pos"};
  }

  private static String sha(String url) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
