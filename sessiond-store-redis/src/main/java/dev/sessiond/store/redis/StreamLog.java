package dev.sessiond.store.redis;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The read side of the event log kept in one Stream ({@code {sd}:log}; with S > 1 shards, each
 * shard's, read together by {@link ShardedLog}): an event's ID is its
 * Stream entry ID ({@code <ms>-<seq>}), its fields are {@code t} (type: {@code c}reated,
 * {@code r}evoked, {@code e}xpired, {@code d}isconnected; entries of earlier versions spell it
 * out), {@code tm} (time, ms; only when it differs from the ID's, which is the time otherwise),
 * {@code s}, {@code u}, {@code c}, {@code r}, {@code ak}, {@code au}, {@code as} (actor kind:
 * {@code s}ession, {@code a}pi token, {@code m}ember, s{@code y}stem, {@code k}ey; user (a key's ID for a key), session); types added later
 * ({@code session.updated}, {@code member.*}, {@code key.*}) are spelt out, each only
 * when it has a value. Short names keep an entry near 60 bytes. Filters are applied here, a chunk at a time.
 * Following uses {@code XREAD BLOCK} on a connection of its own, so it never holds up others.
 */
final class StreamLog implements EventLog, AutoCloseable {

  private final String key;
  private static final Pattern ID = Pattern.compile("\\d{1,19}-\\d{1,19}");
  private static final int CHUNK = 1000;
  /** Below the command timeout, so a quiet log is not mistaken for a lost link. */
  private static final long MAX_BLOCK_MS = RedisConnection.COMMAND_TIMEOUT.toMillis() * 3 / 4;

  private final RedisConnection redis;
  private final Object followerLock = new Object();
  private RedisConnection follower;

  /** The log in the Stream {@code key} (S = 1: {@code {sd}:log}). */
  StreamLog(RedisConnection redis, String key) {
    this.redis = redis;
    this.key = key;
  }

  /** The event's fields for XADD, without those the script fills in (session, user, count). */
  static List<String> fields(Event e) {
    List<String> f = new ArrayList<>(12);
    f.add("t");
    f.add(code(e.type()));
    add(f, "r", e.reason());
    add(f, "ak", kind(e.actor().kind()));
    add(f, "au", e.actor().userId());
    add(f, "as", e.actor().sessionId());
    return f;
  }

  private static void add(List<String> f, String name, String value) {
    if (value != null) {
      f.add(name);
      f.add(value);
    }
  }

  private static String code(Event.Type type) {
    return switch (type) {
      case SESSION_CREATED -> "c";
      case SESSION_REVOKED -> "r";
      case SESSION_EXPIRED -> "e";
      case SESSION_DISCONNECTED -> "d";
      default -> type.wire();
    };
  }

  private static String kind(Actor.Kind kind) {
    return switch (kind) {
      case SESSION -> "s";
      case API_TOKEN -> "a";
      case MEMBER -> "m";
      case SYSTEM -> "y";
      case API_KEY -> "k";
    };
  }

  private static Actor.Kind kind(String k) {
    return switch (k) {
      case "s" -> Actor.Kind.SESSION;
      case "a" -> Actor.Kind.API_TOKEN;
      case "m" -> Actor.Kind.MEMBER;
      case "y" -> Actor.Kind.SYSTEM;
      case "k" -> Actor.Kind.API_KEY;
      default -> Actor.Kind.valueOf(k);
    };
  }

  private static Event.Type type(String t) {
    return switch (t) {
      case "c" -> Event.Type.SESSION_CREATED;
      case "r" -> Event.Type.SESSION_REVOKED;
      case "e" -> Event.Type.SESSION_EXPIRED;
      case "d" -> Event.Type.SESSION_DISCONNECTED;
      default -> Event.Type.ofWire(t);
    };
  }

  static Event event(StreamMessage<String, String> m) {
    Map<String, String> f = m.getBody();
    String count = f.get("c");
    String tm = f.get("tm");
    long time = Long.parseLong(tm != null ? tm : m.getId().substring(0, m.getId().indexOf('-')));
    return new Event(m.getId(), type(f.get("t")), Instant.ofEpochMilli(time),
        f.get("s"), f.get("u"), count == null ? null : Integer.valueOf(count), f.get("r"),
        new Actor(kind(f.get("ak")), f.get("au"), f.get("as")));
  }

  static String requireId(String id) {
    if (id != null && !ID.matcher(id).matches()) {
      throw new SessiondException.Invalid("not an event ID: " + id);
    }
    return id;
  }

  @Override
  public CompletableFuture<List<Event>> read(EventQuery q) {
    try {
      requireId(q.after());
    } catch (SessiondException.Invalid e) {
      return CompletableFuture.failedFuture(e);
    }
    return scan(q, q.after(), new ArrayList<>());
  }

  private CompletableFuture<List<Event>> scan(EventQuery q, String after, List<Event> acc) {
    Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after),
        Range.Boundary.unbounded());
    int chunk = q.userId() == null && q.sessionId() == null && q.type() == null ? q.limit() - acc.size() : CHUNK;
    return redis.run("read the event log", c -> c.xrange(key, range, Limit.create(0, chunk))).thenCompose(found -> {
      for (StreamMessage<String, String> m : found) {
        Event e = event(m);
        if (q.matches(e)) {
          acc.add(e);
          if (acc.size() == q.limit()) {
            return CompletableFuture.completedFuture(acc);
          }
        }
      }
      if (found.size() < chunk) {
        return CompletableFuture.completedFuture(acc);
      }
      return scan(q, found.get(found.size() - 1).getId(), acc);
    });
  }

  @Override
  public CompletableFuture<Optional<String>> lastId() {
    return redis.run("read the event log", c -> c.xrevrange(key, Range.create("-", "+"), Limit.create(0, 1)))
        .thenApply(found -> found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).getId()));
  }

  @Override
  public CompletableFuture<Long> trim(Instant before) {
    return redis.run("trim the event log", c -> c.xtrim(key, new XTrimArgs().minId(before.toEpochMilli() + "-0")));
  }

  @Override
  public CompletableFuture<List<Event>> await(String after, Duration wait) {
    try {
      requireId(after);
    } catch (SessiondException.Invalid e) {
      return CompletableFuture.failedFuture(e);
    }
    long deadline = System.nanoTime() + wait.toNanos();
    return awaitUntil(after == null ? "0-0" : after, deadline);
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<List<Event>> awaitUntil(String after, long deadline) {
    long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    RedisConnection f;
    try {
      f = follower();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(RedisConnection.unavailable("follow the event log", e));
    }
    XReadArgs args = XReadArgs.Builder.count(EventQuery.MAX_LIMIT);
    if (left > 0) {
      args.block(Math.min(left, MAX_BLOCK_MS));
    }
    return f.run("follow the event log", c -> c.xread(args, XReadArgs.StreamOffset.from(key, after))).thenCompose(found -> {
      if (found != null && !found.isEmpty()) {
        return CompletableFuture.completedFuture(found.stream().map(StreamLog::event).toList());
      }
      if (deadline - System.nanoTime() <= 0) {
        return CompletableFuture.completedFuture(List.of());
      }
      return awaitUntil(after, deadline);
    });
  }

  private RedisConnection follower() {
    synchronized (followerLock) {
      if (follower == null) {
        follower = redis.another();
      }
      return follower;
    }
  }

  @Override
  public void close() {
    synchronized (followerLock) {
      if (follower != null) {
        follower.close();
        follower = null;
      }
    }
  }
}
