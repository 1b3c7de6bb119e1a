package dev.sessiond.store.redis;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.core.store.LogWaiters;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * The event log of S > 1 shards, read as one: each shard appends to its own Stream
 * ({@code <shard prefix>log}, entries as in {@link StreamLog}) in the script of its change, so
 * a change and its event stay atomic on the master that holds the shard.
 *
 * <p>An event's ID is a cursor: the position, after that event, in every shard's Stream, S
 * parts joined by {@code .}, each {@code <ms>-<seq>} in base 36 or empty (nothing read there
 * yet), after the event's own shard and {@code ~}. The cursor of one entry can differ between two
 * reads (an entry of another shard ordered before it may land in between); its {@link #key}, the
 * shard and that shard's part, cannot. Reading after a cursor reads each shard after its own position and merges the entries
 * by (time, sequence, shard); since the positions are per shard, an entry that a master with a
 * slower clock appends later, under an older time, is still read after it. Entries of one user
 * or session (one shard) keep their order; entries of different shards are ordered by their
 * writers' clocks.
 *
 * <p>Following: one {@code XREAD BLOCK} per shard on a connection of its own (a Cluster cannot
 * block on keys of several slots at once) notes the newest ID of its shard and wakes
 * {@link #await}, which then reads the shards that have news. Thread-safe.
 */
final class ShardedLog implements EventLog, AutoCloseable {

  private static final Pattern SHARD = Pattern.compile("[0-9a-z]{1,2}");
  private static final Pattern PART = Pattern.compile("|[0-9a-z]{1,13}-[0-9a-z]{1,13}");
  private static final int CHUNK = 1000;
  private static final long MAX_BLOCK_MS = RedisConnection.COMMAND_TIMEOUT.toMillis() * 3 / 4;
  /** The longest an await sleeps before reading again, were a wake ever missed. */
  private static final long MAX_SLEEP_MS = 1000;
  private static final long RETRY_MS = 200;

  private final RedisConnection redis;
  private final Shards shards;
  private final LogWaiters waiters = new LogWaiters();
  /** Per shard, the newest ID its follower saw ("0-0": none); null until the followers run. */
  private final AtomicReferenceArray<String> newest;
  private final RedisConnection[] followers;
  private final Object followLock = new Object();
  private volatile boolean following;
  private volatile boolean closed;

  ShardedLog(RedisConnection redis, Shards shards) {
    this.redis = redis;
    this.shards = shards;
    this.newest = new AtomicReferenceArray<>(shards.count());
    this.followers = new RedisConnection[shards.count()];
  }

  /** One entry of one shard, before it gets its cursor. */
  private record Entry(int shard, long ms, long seq, Event event) {
    static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::ms).thenComparingLong(Entry::seq)
        .thenComparingInt(Entry::shard);
  }

  /** The positions a cursor names, as Stream IDs ({@code ms-seq}), null for "from the start"; validated. */
  String[] positions(String cursor) {
    String[] out = new String[shards.count()];
    if (cursor == null) {
      return out;
    }
    int own = cursor.indexOf('~');
    if (own >= 0 && (!SHARD.matcher(cursor.substring(0, own)).matches()
        || Integer.parseInt(cursor.substring(0, own), 36) >= out.length)) {
      throw new SessiondException.Invalid("not an event ID: " + cursor);
    }
    String[] parts = cursor.substring(own + 1).split("\\.", -1);
    if (parts.length != out.length) {
      throw new SessiondException.Invalid("not an event ID: " + cursor);
    }
    for (int i = 0; i < parts.length; i++) {
      if (!PART.matcher(parts[i]).matches()) {
        throw new SessiondException.Invalid("not an event ID: " + cursor);
      }
      if (!parts[i].isEmpty()) {
        int dash = parts[i].indexOf('-');
        try {
          out[i] = Long.parseLong(parts[i].substring(0, dash), 36) + "-" + Long.parseLong(parts[i].substring(dash + 1), 36);
        } catch (NumberFormatException e) {
          throw new SessiondException.Invalid("not an event ID: " + cursor);
        }
      }
    }
    return out;
  }

  /** The entry an event's cursor names: its shard and its position there, the same in every read of it. */
  @Override
  public String key(String id) {
    int own = id.indexOf('~');
    if (own < 0) {
      return id;
    }
    String[] parts = id.substring(own + 1).split("\\.", -1);
    int shard = Integer.parseInt(id.substring(0, own), 36);
    return shard < parts.length ? id.substring(0, own + 1) + parts[shard] : id;
  }

  /** The shard whose last entry orders last, as a read merges them; -1 when none has one. */
  static int newest(String[] positions) {
    int newest = -1;
    long ms = -1;
    long seq = -1;
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] != null) {
        int dash = positions[i].indexOf('-');
        long m = Long.parseLong(positions[i].substring(0, dash));
        long q = Long.parseLong(positions[i].substring(dash + 1));
        if (m > ms || m == ms && q >= seq) {
          newest = i;
          ms = m;
          seq = q;
        }
      }
    }
    return newest;
  }

  /** The cursor after {@code shard}'s entry at its position (-1: after no entry in particular). */
  static String cursor(String[] positions, int shard) {
    StringBuilder b = new StringBuilder();
    if (shard >= 0) {
      b.append(Integer.toString(shard, 36)).append('~');
    }
    for (int i = 0; i < positions.length; i++) {
      if (i > 0) {
        b.append('.');
      }
      if (positions[i] != null) {
        int dash = positions[i].indexOf('-');
        b.append(Long.toString(Long.parseLong(positions[i].substring(0, dash)), 36)).append('-')
            .append(Long.toString(Long.parseLong(positions[i].substring(dash + 1)), 36));
      }
    }
    return b.toString();
  }

  @Override
  public CompletableFuture<List<Event>> read(EventQuery q) {
    String[] from;
    try {
      from = positions(q.after());
    } catch (SessiondException.Invalid e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean[] all = new boolean[from.length];
    java.util.Arrays.fill(all, true);
    return read(q, from, all);
  }

  /** The first {@code q.limit()} matching entries after {@code from}, of the shards marked in {@code which}, merged. */
  private CompletableFuture<List<Event>> read(EventQuery q, String[] from, boolean[] which) {
    List<CompletableFuture<List<Entry>>> reads = new ArrayList<>();
    for (int i = 0; i < from.length; i++) {
      if (which[i]) {
        reads.add(scan(i, q, from[i], new ArrayList<>()));
      }
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<Entry> merged = new ArrayList<>();
      reads.forEach(r -> merged.addAll(r.join()));
      merged.sort(Entry.ORDER);
      String[] at = from.clone();
      List<Event> out = new ArrayList<>(Math.min(q.limit(), merged.size()));
      for (Entry e : merged.subList(0, Math.min(q.limit(), merged.size()))) {
        at[e.shard()] = e.event().id();
        out.add(e.event().withId(cursor(at, e.shard())));
      }
      return out;
    });
  }

  /** Up to {@code q.limit()} matching entries of one shard after {@code after}, in its order (IDs: Stream IDs). */
  private CompletableFuture<List<Entry>> scan(int shard, EventQuery q, String after, List<Entry> acc) {
    Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after),
        Range.Boundary.unbounded());
    int chunk = q.userId() == null && q.sessionId() == null && q.type() == null ? q.limit() - acc.size() : CHUNK;
    return redis.run("read the event log", c -> c.xrange(shards.log(shard), range, Limit.create(0, chunk))).thenCompose(found -> {
      for (StreamMessage<String, String> m : found) {
        Event e = StreamLog.event(m);
        if (q.matches(e)) {
          int dash = m.getId().indexOf('-');
          acc.add(new Entry(shard, Long.parseLong(m.getId().substring(0, dash)), Long.parseLong(m.getId().substring(dash + 1)), e));
          if (acc.size() == q.limit()) {
            return CompletableFuture.completedFuture(acc);
          }
        }
      }
      if (found.size() < chunk) {
        return CompletableFuture.completedFuture(acc);
      }
      return scan(shard, q, found.get(found.size() - 1).getId(), acc);
    });
  }

  @Override
  public CompletableFuture<Optional<String>> lastId() {
    List<CompletableFuture<String>> lasts = new ArrayList<>();
    for (int i = 0; i < shards.count(); i++) {
      int shard = i;
      lasts.add(redis.run("read the event log", c -> c.xrevrange(shards.log(shard), Range.create("-", "+"), Limit.create(0, 1)))
          .thenApply(found -> found.isEmpty() ? null : found.get(0).getId()));
    }
    return CompletableFuture.allOf(lasts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      String[] at = lasts.stream().map(CompletableFuture::join).toArray(String[]::new);
      return java.util.Arrays.stream(at).allMatch(java.util.Objects::isNull) ? Optional.empty() : Optional.of(cursor(at, newest(at)));
    });
  }

  @Override
  public CompletableFuture<Long> trim(Instant before) {
    List<CompletableFuture<Long>> trims = new ArrayList<>();
    for (int i = 0; i < shards.count(); i++) {
      int shard = i;
      trims.add(redis.run("trim the event log", c -> c.xtrim(shards.log(shard), new XTrimArgs().minId(before.toEpochMilli() + "-0"))));
    }
    return CompletableFuture.allOf(trims.toArray(CompletableFuture[]::new))
        .thenApply(v -> trims.stream().mapToLong(CompletableFuture::join).sum());
  }

  @Override
  public CompletableFuture<List<Event>> await(String after, Duration wait) {
    String[] from;
    try {
      from = positions(after);
      follow();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e instanceof SessiondException ? e : RedisConnection.unavailable("follow the event log", e));
    }
    long deadline = System.nanoTime() + wait.toNanos();
    boolean[] all = new boolean[from.length];
    java.util.Arrays.fill(all, true);
    return poll(from, all, deadline);
  }

  /**
   * Reads the shards in {@code which}; when nothing came, sleeps until a follower sees news (or
   * a second passes), then reads the shards whose newest ID is past {@code from}. The waiter is
   * registered before the read, so news that lands meanwhile still wakes it.
   */
  private CompletableFuture<List<Event>> poll(String[] from, boolean[] which, long deadline) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    CompletableFuture<Void> woken = waiters.next(Math.min(Math.max(0, left), MAX_SLEEP_MS));
    return read(EventQuery.after(null, EventQuery.MAX_LIMIT), from, which).thenCompose(found -> {
      if (!found.isEmpty() || deadline - System.nanoTime() <= 0 || closed) {
        return CompletableFuture.completedFuture(found);
      }
      return woken.thenCompose(v -> poll(from, news(from), deadline));
    });
  }

  /** The shards whose follower saw an entry after {@code from}, or every shard while followers lag or stopped. */
  private boolean[] news(String[] from) {
    boolean[] out = new boolean[from.length];
    for (int i = 0; i < from.length; i++) {
      String seen = newest.get(i);
      out[i] = seen == null || from[i] == null && !"0-0".equals(seen) || from[i] != null && after(seen, from[i]);
    }
    return out;
  }

  private static boolean after(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
    return c > 0 || c == 0 && Long.parseLong(a.substring(da + 1)) > Long.parseLong(b.substring(db + 1));
  }

  /**
   * Starts one follower per shard, once, off the caller's thread (opening a connection blocks,
   * and await may be called on an event loop); until they run, an await reads every shard each
   * time it wakes.
   */
  private void follow() {
    if (following) {
      return;
    }
    synchronized (followLock) {
      if (following || closed) {
        return;
      }
      following = true;
    }
    CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < shards.count(); i++) {
          synchronized (followLock) {
            if (closed) {
              return;
            }
            followers[i] = redis.another();
          }
        }
      } catch (RuntimeException e) {
        synchronized (followLock) {
          for (int i = 0; i < followers.length; i++) {
            if (followers[i] != null) {
              followers[i].close();
              followers[i] = null;
            }
          }
          following = false;
        }
        return;
      }
      for (int i = 0; i < shards.count(); i++) {
        start(i);
      }
    });
  }

  private void start(int shard) {
    if (closed) {
      return;
    }
    redis.run("follow the event log", c -> c.xrevrange(shards.log(shard), Range.create("-", "+"), Limit.create(0, 1)))
        .whenComplete((found, e) -> {
          if (e != null) {
            later(() -> start(shard));
            return;
          }
          String last = found.isEmpty() ? "0-0" : found.get(0).getId();
          newest.set(shard, last);
          waiters.wake();
          block(shard, last);
        });
  }

  @SuppressWarnings("unchecked")
  private void block(int shard, String last) {
    if (closed) {
      return;
    }
    RedisConnection f = followers[shard];
    XReadArgs args = XReadArgs.Builder.count(100).block(MAX_BLOCK_MS);
    f.run("follow the event log", c -> c.xread(args, XReadArgs.StreamOffset.from(shards.log(shard), last)))
        .whenComplete((found, e) -> {
          if (e != null) {
            newest.set(shard, null);
            later(() -> start(shard));
            return;
          }
          String next = last;
          if (found != null && !found.isEmpty()) {
            next = found.get(found.size() - 1).getId();
            newest.set(shard, next);
            waiters.wake();
          }
          block(shard, next);
        });
  }

  private void later(Runnable r) {
    if (!closed) {
      CompletableFuture.delayedExecutor(RETRY_MS, TimeUnit.MILLISECONDS).execute(r);
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (followLock) {
      for (RedisConnection f : followers) {
        if (f != null) {
          f.close();
        }
      }
    }
    waiters.wake();
  }
}
