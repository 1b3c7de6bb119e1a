package dev.sessiond.store.redis;

import dev.sessiond.core.Tokens;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How sessions are spread over S shards, each a hash tag of its own (its generation, log stream,
 * trees and expiry buckets), so that a Redis Cluster serves them from all its masters. S is
 * fixed per deployment: 1 on standalone and Sentinel (the prefix {@code {sd}:}, the layout of
 * earlier versions), {@link #CLUSTER_DEFAULT} on a new Cluster, written to {@code {sd}:shards} by
 * the first node and read by every other. A Cluster that already holds the one-tag layout keeps
 * S = 1.
 *
 * <p>Shard {@code i} of S > 1 has the tag {@code sd<i>.<n>}, with {@code n} the smallest number
 * that puts the tag's slot in the i-th of S equal slot ranges: a Cluster whose masters hold
 * equal ranges (what {@code redis-cli --cluster create} makes) then holds equal numbers of shards
 * when S is a multiple of the masters' count (12: 1, 2, 3, 4, 6 or 12 masters).
 *
 * <p>A user's sessions live in shard {@code ofUser(uid)} (SHA-256 of the user ID); a session's
 * token is drawn until its hash names that shard ({@link #ofTokenHash}), and its ID names it
 * in its last 16 bits ({@link #ofId}), so verify, a revocation by ID and every per-user change
 * each touch one shard. Immutable.
 */
final class Shards {

  /** Shards of a new Cluster deployment: equal shares on 1, 2, 3, 4, 6 or 12 equal masters. */
  static final int CLUSTER_DEFAULT = 12;
  static final String COUNT_KEY = "{sd}:shards";
  private static final Logger LOG = LoggerFactory.getLogger(Shards.class);
  private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{24}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  });

  private final String[] prefixes;

  private Shards(String[] prefixes) {
    this.prefixes = prefixes;
  }

  static Shards of(int count) {
    if (count < 1 || count > 4096) {
      throw new IllegalArgumentException("shards must be between 1 and 4096: " + count);
    }
    String[] p = new String[count];
    if (count == 1) {
      p[0] = Scripts.PREFIX;
    } else {
      for (int i = 0; i < count; i++) {
        int from = i * 16384 / count;
        int to = (i + 1) * 16384 / count;
        for (int n = 0;; n++) {
          String tag = "sd" + i + "." + n;
          int slot = SlotHash.getSlot(tag);
          if (slot >= from && slot < to) {
            p[i] = "{" + tag + "}:";
            break;
          }
        }
      }
    }
    return new Shards(p);
  }

  /**
   * The deployment's shards: S = 1 on a standalone or Sentinel connection; on a Cluster the
   * number in {@code {sd}:shards}, written at first start (1 when the one-tag layout of earlier
   * versions already holds data). Blocks: called once, at start.
   */
  static Shards load(RedisConnection redis) {
    if (!redis.isCluster()) {
      return of(1);
    }
    String stored = redis.run("read the shard count", c -> c.get(COUNT_KEY)).join();
    if (stored == null) {
      long old = redis.run("look for the one-tag layout", c -> c.exists(Scripts.PREFIX + "gen", Scripts.PREFIX + "log")).join();
      String count = Integer.toString(old > 0 ? 1 : CLUSTER_DEFAULT);
      redis.run("write the shard count", c -> c.setnx(COUNT_KEY, count)).join();
      stored = redis.run("read the shard count", c -> c.get(COUNT_KEY)).join();
      LOG.info("Redis Cluster: {} shard(s) for sessions and the event log", stored);
    }
    return of(Integer.parseInt(stored.trim()));
  }

  int count() {
    return prefixes.length;
  }

  /** The key prefix of shard {@code i}, hash tag included ({@code {sd}:} when S = 1). */
  String prefix(int i) {
    return prefixes[i];
  }

  String gen(int i) {
    return prefixes[i] + "gen";
  }

  String log(int i) {
    return prefixes[i] + "log";
  }

  int ofUser(String userId) {
    if (count() == 1) {
      return 0;
    }
    byte[] d = SHA256.get().digest(userId.getBytes(StandardCharsets.UTF_8));
    long v = ((d[0] & 0xffL) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
    return (int) (v % count());
  }

  /** The shard a token hash ({@code Tokens.hash}: base64url) names: its first 24 bits modulo S. */
  int ofTokenHash(String tokenHash) {
    if (count() == 1) {
      return 0;
    }
    int v = 0;
    for (int i = 0; i < 4 && i < tokenHash.length(); i++) {
      v = (v << 6) | sextet(tokenHash.charAt(i));
    }
    return v % count();
  }

  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : 63;
  }

  /** The shard a session ID names: the last 16 bits of one of ours modulo S; any other string, a fixed shard. */
  int ofId(String id) {
    if (count() == 1) {
      return 0;
    }
    if (!HEX_ID.matcher(id).matches()) {
      return Math.floorMod(id.hashCode(), count());
    }
    return Integer.parseInt(id.substring(20), 16) % count();
  }

  /** A token whose hash names the user's shard: about S draws, each a SHA-256. */
  String newToken(String userId) {
    int shard = ofUser(userId);
    while (true) {
      String token = Tokens.newToken();
      if (ofTokenHash(Tokens.hash(token)) == shard) {
        return token;
      }
    }
  }

  /** An ID ({@code Tokens.newId}: time-ordered) whose last 16 bits name the user's shard. */
  String newId(String userId) {
    String id = Tokens.newId();
    if (count() == 1) {
      return id;
    }
    int shard = ofUser(userId);
    int last = shard + count() * RANDOM.nextInt((65535 - shard) / count() + 1);
    return id.substring(0, 20) + HexFormat.of().toHexDigits((short) last);
  }
}
